public import RastroModel

/// What the search index has read so far, and what there is to read.
public struct SearchIndexState: Sendable, Hashable {
    /// The last load file indexed, and the newest there is.
    public var indexedFile: Int64, lastFile: Int64
    /// The resolution run whose entity names are indexed, and the newest run.
    public var indexedRun: String, lastRun: String

    public var isCurrent: Bool { indexedFile == lastFile && indexedRun == lastRun }

    public init(indexedFile: Int64, lastFile: Int64, indexedRun: String, lastRun: String) {
        self.indexedFile = indexedFile
        self.lastFile = lastFile
        self.indexedRun = indexedRun
        self.lastRun = lastRun
    }
}

/// One record's searchable fields, as the index reads them.
public struct SearchSource: Sendable {
    public var id: String
    /// Field name → text, for the kind's `SearchFields`.
    public var values: [String: String]
}

/// A search as the store runs it: a record matches when its id is `id`, or it has one of
/// `anyWord`, or for every set of `allOf` it has a word of that set. Words are as indexed.
public struct SearchQuery: Sendable, Hashable {
    public var id: String?
    public var anyWord: [String]
    public var allOf: [[String]]

    public init(id: String? = nil, anyWord: [String] = [], allOf: [[String]] = []) {
        self.id = id
        self.anyWord = anyWord
        self.allOf = allOf
    }

    public var isEmpty: Bool { id == nil && anyWord.isEmpty && allOf.isEmpty }
}

/// How a kind is indexed and listed: fields read as words of names, fields read as whole tokens
/// (tax ids, CAS numbers, linked ids), and the fields a list sorts by. Personal fields (`Redactor`)
/// are never indexed.
public struct SearchFields: Sendable {
    public var names: [String]
    public var tokens: [String]
    public var nameField: String?
    public var dateField: String?

    public static let of: [Kind: SearchFields] = [
        .organizations: SearchFields(names: ["name", "city"], tokens: ["org_id", "tax_id"], nameField: "name", dateField: "registered_on"),
        .consignments: SearchFields(names: ["importer_name", "exporter_name", "chemical_name"],
                                    tokens: ["importer_tax_id", "chemical_cas", "chemical_ref", "pen_reference", "bill_of_lading", "container_id"],
                                    nameField: "importer_name", dateField: "arrival_date"),
        .transfers: SearchFields(names: ["from_name", "to_name", "chemical_name"],
                                 tokens: ["from_tax_id", "to_tax_id", "chemical_cas", "chemical_ref", "consignment_id"],
                                 nameField: "from_name", dateField: "date"),
        .usageReports: SearchFields(names: ["org_name", "chemical_name"], tokens: ["org_tax_id", "chemical_cas", "chemical_ref"],
                                    nameField: "org_name", dateField: "period_end"),
        .incidents: SearchFields(names: ["chemical_name"], tokens: ["chemical_cas", "chemical_ref", "kind", "country"],
                                 nameField: "kind", dateField: "date"),
        .legs: SearchFields(names: ["carrier_name"], tokens: ["vehicle_id", "consignment_id", "transfer_id"],
                            nameField: "carrier_name", dateField: "departed_at"),
        .observations: SearchFields(names: [], tokens: ["kind", "vehicle_id", "source"], nameField: "kind", dateField: "observed_at"),
        // Track points are not indexed (millions of rows, no names); they are found by id and listed.
        .trackPoints: SearchFields(names: [], tokens: [], nameField: "vehicle_id", dateField: nil),
    ]
}

extension Store {
    /// How far the search index is.
    public func searchIndexState() async throws -> SearchIndexState {
        var marks: [String: String] = [:]
        for row in try await connection.query("SELECT name, mark FROM search_marks", []) { marks[row["name"].text ?? ""] = row["mark"].text ?? "" }
        let lastFile = try await connection.query("SELECT MAX(file_id) AS n FROM load_files", []).first?["n"].integer ?? 0
        let lastRun = try await connection.query("SELECT run_id FROM er_runs ORDER BY started_at DESC, run_id DESC LIMIT 1", [])
            .first?["run_id"].text ?? ""
        return SearchIndexState(indexedFile: Int64(marks["file"] ?? "") ?? 0, lastFile: lastFile,
                                indexedRun: marks["run"] ?? "", lastRun: lastRun)
    }

    /// The current versions of the records of `kind` that have a version loaded after `afterFile`,
    /// as `viewer` (the node's processing viewer: the index is derived data, never shown) reads them.
    public func searchSources(_ kind: Kind, afterFile: Int64, viewer: Viewer) async throws -> [SearchSource] {
        guard let fields = SearchFields.of[kind], !(fields.names + fields.tokens).isEmpty else { return [] }
        let columns = fields.names + fields.tokens
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let rows = try await connection.query("""
            SELECT record_id, \(columns.joined(separator: ", ")) FROM \(kind.table)
            WHERE is_current = 1 AND record_id IN (SELECT record_id FROM \(kind.table) WHERE file_id > ?) AND \(predicate)
            """, [.integer(afterFile)] + binds)
        return rows.map { row in
            var values: [String: String] = [:]
            for (offset, column) in columns.enumerated() { if let text = row.values[offset + 1].text, !text.isEmpty { values[column] = text } }
            return SearchSource(id: row.values[0].text ?? "", values: values)
        }
    }

    /// Every resolved entity's stored name (for the index: never shown).
    public func entityNameRows() async throws -> [(id: String, name: String)] {
        try await connection.query("SELECT entity_id, name FROM er_entities", []).map { (id: $0.values[0].text ?? "", name: $0.values[1].text ?? "") }
    }

    /// Replaces the words of the records of `kind` loaded after `afterFile` (all of the kind's words
    /// when nil) with `words` (word, record id), in one transaction.
    public func replaceSearchWords(_ kind: String, afterFile: Int64?, words: [(word: String, id: String)]) async throws {
        try await connection.beginWrite(.database)
        do {
            if let afterFile, let table = Kind(rawValue: kind)?.table {
                try await connection.execute("""
                    DELETE FROM search_words WHERE kind = ? AND record_id IN (SELECT record_id FROM \(table) WHERE file_id > ?)
                    """, [.text(kind), .integer(afterFile)])
            } else {
                try await connection.execute("DELETE FROM search_words WHERE kind = ?", [.text(kind)])
            }
            var seen = Set<String>()
            let rows = words.filter { seen.insert($0.word + "\u{0}" + $0.id).inserted }.map { [SQLValue.text($0.word), .text(kind), .text($0.id)] }
            try await insert("search_words", ["word", "kind", "record_id"], rows)
            try await connection.execute("COMMIT")
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Records how far the index is.
    public func setSearchMarks(file: Int64, run: String) async throws {
        for (name, mark) in [("file", String(file)), ("run", run)] {
            try await connection.execute("DELETE FROM search_marks WHERE name = ?", [.text(name)])
            try await connection.execute("INSERT INTO search_marks (name, mark) VALUES (?, ?)", [.text(name), .text(mark)])
        }
    }

    /// Every distinct indexed word (to expand a query's words by spelling; never shown).
    public func searchVocabulary() async throws -> [String] {
        try await connection.query("SELECT DISTINCT word FROM search_words", []).compactMap { $0.values[0].text }
    }

    /// The current records of `kind` the viewer may see that match `query` (all of them when the
    /// query is empty), sorted by `sort` (`id`, `name` or `date`, newest first), a page of
    /// `limit` after `offset`, and how many match (counted up to `countLimit`).
    public func search(_ kind: Kind, _ query: SearchQuery, viewer: Viewer, sort: String = "id", limit: Int = 50, offset: Int = 0,
                       countLimit: Int = 10_000) async throws -> (records: [Record], total: Int) {
        let (predicate, predicateBinds) = AccessPolicy.predicate(for: viewer, alias: "t", dialect: dialect)
        let fields = SearchFields.of[kind]
        let byID = !(sort == "date" && fields?.dateField != nil) && !(sort == "name" && fields?.nameField != nil)
        if byID && !query.isEmpty && query.allOf.count <= 1 {
            return try await searchInIDOrder(kind, query, viewer: viewer, predicate: predicate, predicateBinds: predicateBinds,
                                             limit: limit, offset: offset, countLimit: countLimit)
        }
        // The matching ids as one set (the id itself, any whole token, every word set intersected),
        // so that the kind's table is read by its primary key only: an OR of tests would let the
        // planner scan the whole table (millions of track points).
        var parts: [String] = []
        var binds: [SQLValue] = []
        func words(_ list: [String]) -> String {
            binds.append(.text(kind.rawValue))
            binds += list.map(SQLValue.text)
            return "SELECT record_id FROM search_words WHERE kind = ? AND word IN (" + Array(repeating: "?", count: list.count).joined(separator: ",") + ")"
        }
        if let id = query.id {
            parts.append("SELECT CAST(? AS TEXT)")
            binds.append(.text(id))
        }
        if !query.anyWord.isEmpty { parts.append(words(query.anyWord)) }
        if !query.allOf.isEmpty, query.allOf.allSatisfy({ !$0.isEmpty }) {
            parts.append("SELECT record_id FROM (" + query.allOf.map(words).joined(separator: " INTERSECT ") + ") w")
        }
        if !query.isEmpty && parts.isEmpty { return ([], 0) }
        let filter = parts.isEmpty ? "" : " AND t.record_id IN (" + parts.joined(separator: " UNION ") + ")"
        let order: String
        switch sort {
        case "date" where fields?.dateField != nil: order = "t.\(fields!.dateField!) DESC, t.record_id"
        case "name" where fields?.nameField != nil: order = "t.\(fields!.nameField!), t.record_id"
        default: order = "t.record_id"
        }
        let body = "FROM \(kind.table) t WHERE t.is_current = 1\(filter) AND \(predicate)"
        let rows = try await connection.query("SELECT t.* \(body) ORDER BY \(order) LIMIT \(max(0, limit)) OFFSET \(max(0, offset))",
                                              binds + predicateBinds)
        let total: Int
        if offset == 0 && rows.count < limit {
            total = rows.count
        } else {
            total = Int(try await connection.query("SELECT COUNT(*) AS n FROM (SELECT 1 \(body) LIMIT \(countLimit)) c", binds + predicateBinds)
                .first?["n"].integer ?? 0)
        }
        let redactor = try await redactor(for: viewer)
        return (rows.map { redactor.redacted(Self.record(kind, $0)) }, total)
    }

    /// `search` in id order for a query without an intersection of word sets (one word, or none):
    /// the matching ids come a window at a time, in order, from one `UNION … ORDER BY … LIMIT` over
    /// the words' index ranges, which SQLite merges lazily. A word in 80,000 records then costs the
    /// page and the count's first thousand, not a set of every match built twice (once for the page,
    /// once for the count).
    private func searchInIDOrder(_ kind: Kind, _ query: SearchQuery, viewer: Viewer, predicate: String, predicateBinds: [SQLValue],
                                 limit: Int, offset: Int, countLimit: Int) async throws -> (records: [Record], total: Int) {
        let words = query.anyWord + (query.allOf.first ?? [])
        let redactor = try await redactor(for: viewer)
        var records: [Record] = []
        var total = 0
        var after = ""
        var window = min(Self.batchRows, max(limit + offset, 50))
        while total < countLimit {
            var arms: [String] = []
            var binds: [SQLValue] = []
            if let id = query.id {
                arms.append("SELECT CAST(? AS TEXT) AS record_id WHERE CAST(? AS TEXT) > ?")
                binds += [.text(id), .text(id), .text(after)]
            }
            for word in words {
                arms.append("SELECT record_id FROM search_words WHERE word = ? AND kind = ? AND record_id > ?")
                binds += [.text(word), .text(kind.rawValue), .text(after)]
            }
            let ids = try await connection.query(arms.joined(separator: " UNION ") + " ORDER BY 1 LIMIT \(window)", binds)
                .compactMap { $0.values[0].text }
            guard let last = ids.last else { break }
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            let filter = "FROM \(kind.table) t WHERE t.record_id IN (\(marks)) AND t.is_current = 1 AND \(predicate)"
            if records.count < limit {
                // The page is not full yet: the visible records among these ids, whole.
                for row in try await connection.query("SELECT t.* \(filter) ORDER BY t.record_id", ids.map(SQLValue.text) + predicateBinds) {
                    if total >= offset && records.count < limit { records.append(redactor.redacted(Self.record(kind, row))) }
                    total += 1
                }
            } else {
                total += Int(try await connection.query("SELECT COUNT(*) AS n \(filter)", ids.map(SQLValue.text) + predicateBinds)
                    .first?["n"].integer ?? 0)
            }
            if ids.count < window { break }
            after = last
            window = Self.batchRows
        }
        return (records, min(total, countLimit))
    }

    /// Entities with a word of every set of `allOf` in their stored name, or whose id is `id`
    /// (candidates only: the caller shows one only as the viewer may see it, see `EntityView`).
    public func searchEntityIDs(id: String?, allOf: [[String]], limit: Int = 200) async throws -> [String] {
        var out: [String] = []
        if let id, try await entity(id) != nil { out.append(id) }
        guard !allOf.isEmpty, allOf.allSatisfy({ !$0.isEmpty }) else { return out }
        var binds: [SQLValue] = []
        let tests = allOf.map { list -> String in
            binds += list.map(SQLValue.text)
            return "entity_id IN (SELECT record_id FROM search_words WHERE kind = 'entities' AND word IN ("
                + Array(repeating: "?", count: list.count).joined(separator: ",") + "))"
        }
        let rows = try await connection.query("SELECT entity_id FROM er_entities WHERE \(tests.joined(separator: " AND ")) ORDER BY mentions DESC, entity_id LIMIT \(limit)", binds)
        for row in rows { if let entity = row.values[0].text, !out.contains(entity) { out.append(entity) } }
        return out
    }
}
