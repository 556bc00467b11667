import Crypto
import Foundation

/// A TAXII 2.1 collection this node serves: bound to one partner organization, which may read it
/// (and, if allowed, add objects to it), filled by publishing what a sharing rule releases to that
/// organization.
public struct TAXIICollection: Sendable, Hashable, Codable {
    /// What is published into the collection.
    public enum Rule: String, Sendable, Hashable, Codable, CaseIterable {
        /// Everything the node's policy releases to the partner (records, and leads sent to it).
        case released
        /// Only leads sent to the partner (and the outcomes of the partner's leads), with what they reference.
        case leads
    }

    public var collectionID: String
    public var title: String
    public var description: String
    public var partnerOrg: String
    public var rule: Rule
    public var canRead: Bool
    public var canWrite: Bool
    public var createdAt: String
    public var publishedAt: String?

    public init(collectionID: String, title: String, description: String = "", partnerOrg: String, rule: Rule = .released,
                canRead: Bool = true, canWrite: Bool = false, createdAt: String = "", publishedAt: String? = nil) {
        self.collectionID = collectionID
        self.title = title
        self.description = description
        self.partnerOrg = partnerOrg
        self.rule = rule
        self.canRead = canRead
        self.canWrite = canWrite
        self.createdAt = createdAt
        self.publishedAt = publishedAt
    }
}

/// One version of a STIX object as a collection holds it.
public struct TAXIIObject: Sendable, Hashable {
    public var id: String
    public var version: String
    public var type: String
    public var specVersion: String
    /// The object's JSON, exactly as published.
    public var body: String
    /// date_added, microseconds since 1970.
    public var addedMicroseconds: Int64

    public init(id: String, version: String, type: String, specVersion: String, body: String, addedMicroseconds: Int64 = 0) {
        self.id = id
        self.version = version
        self.type = type
        self.specVersion = specVersion
        self.body = body
        self.addedMicroseconds = addedMicroseconds
    }
}

/// The filters of a TAXII objects, manifest or versions request.
public struct TAXIIQuery: Sendable, Hashable {
    public enum Versions: Sendable, Hashable {
        case last, first, all
        case exactly([String])
    }

    public var collectionID: String
    /// Only objects added strictly after this (`added_after`), in microseconds.
    public var addedAfter: Int64?
    /// The pagination keyset: only objects added strictly after this (from `next`).
    public var after: Int64?
    public var ids: [String] = []
    public var types: [String] = []
    public var versions: Versions = .last
    public var specVersions: [String] = []
    public var limit: Int

    public init(collectionID: String, addedAfter: Int64? = nil, after: Int64? = nil, ids: [String] = [], types: [String] = [],
                versions: Versions = .last, specVersions: [String] = [], limit: Int) {
        self.collectionID = collectionID
        self.addedAfter = addedAfter
        self.after = after
        self.ids = ids
        self.types = types
        self.versions = versions
        self.specVersions = specVersions
        self.limit = limit
    }
}

/// A page of objects: at most `limit`, in date_added order, and whether more follow.
public struct TAXIIPage: Sendable {
    public var objects: [TAXIIObject]
    public var more: Bool
}

/// Where `Store.taxiiObjectsJSON` writes a page's objects: the server names its response buffer's
/// type, so that each body is copied once, from SQLite's row into the answer.
public protocol TAXIIPageBytes: Sendable {
    /// An empty page with room for about `capacity` bytes of objects.
    init(pageCapacity capacity: Int)
    mutating func appendJSON(_ bytes: UnsafeRawBufferPointer)
}

extension TAXIIPageBytes {
    /// The comma between two objects.
    mutating func appendComma() { withUnsafeBytes(of: UInt8(ascii: ",")) { appendJSON($0) } }
}

extension Array: TAXIIPageBytes where Element == UInt8 {
    public init(pageCapacity capacity: Int) {
        self.init()
        reserveCapacity(capacity)
    }

    public mutating func appendJSON(_ bytes: UnsafeRawBufferPointer) { append(contentsOf: bytes) }
}

/// A page as JSON bytes: see `Store.taxiiObjectsJSON`.
public struct TAXIIJSONPage<Bytes: TAXIIPageBytes>: Sendable {
    /// The page's objects joined by commas, in a `Bytes` the store made (`init(pageCapacity:)`).
    public var json: Bytes
    init(json: Bytes) { self.json = json }
    public var count = 0
    public var more = false
    public var first: Int64 = 0
    public var last: Int64 = 0
    /// SHA-256 (hex) of the page's `id version` lines joined by line breaks.
    public var digest = ""
}

/// The counts of a publish or an add: new versions, versions already there, and withdrawn ones.
public struct TAXIIAddCounts: Sendable, Hashable, Codable {
    public var added = 0
    public var unchanged = 0
    public var withdrawn = 0
    public init() {}
}

/// The status resource of an add-objects request.
public struct TAXIIStatus: Sendable, Hashable, Codable {
    public struct Detail: Sendable, Hashable, Codable {
        public var id: String
        public var version: String
        public var message: String?
        public init(id: String, version: String, message: String? = nil) {
            self.id = id
            self.version = version
            self.message = message
        }
    }

    public var statusID: String
    public var collectionID: String
    public var userID: String
    public var orgID: String
    public var requestTimestamp: String
    public var status: String
    public var successes: [Detail]
    public var failures: [Detail]
    public var pendings: [Detail]

    public init(statusID: String, collectionID: String, userID: String, orgID: String, requestTimestamp: String, status: String,
                successes: [Detail], failures: [Detail], pendings: [Detail]) {
        self.statusID = statusID
        self.collectionID = collectionID
        self.userID = userID
        self.orgID = orgID
        self.requestTimestamp = requestTimestamp
        self.status = status
        self.successes = successes
        self.failures = failures
        self.pendings = pendings
    }

    public var totalCount: Int { successes.count + failures.count + pendings.count }
}

/// Where a pull from a partner's collection got to.
public struct SyncCursor: Sendable, Hashable, Codable {
    public var remote: String
    public var collectionID: String
    public var addedLast: String?
    public var objectsLoaded: Int64
    public var updatedAt: String

    public init(remote: String, collectionID: String, addedLast: String?, objectsLoaded: Int64, updatedAt: String) {
        self.remote = remote
        self.collectionID = collectionID
        self.addedLast = addedLast
        self.objectsLoaded = objectsLoaded
        self.updatedAt = updatedAt
    }
}

extension Store {
    // MARK: Collections

    public func addTAXIICollection(_ collection: TAXIICollection, by viewer: Viewer) async throws {
        guard try await member(collection.partnerOrg) != nil else {
            throw StoreError(.conflict, "\(collection.partnerOrg) is not a member organization: add it with `rastro org add` first")
        }
        if try await taxiiCollection(collection.collectionID) != nil {
            throw StoreError(.conflict, "a collection \(collection.collectionID) already exists")
        }
        let event = AuditEvent(viewer, "collection.add", objects: ["collection/\(collection.collectionID)"],
                               detail: "partner=\(collection.partnerOrg) rule=\(collection.rule.rawValue) read=\(collection.canRead) write=\(collection.canWrite)")
        try await withAuditedTransaction([event]) {
            try await connection.execute("""
                INSERT INTO taxii_collections (collection_id, title, description, partner_org, rule, can_read, can_write, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(collection.collectionID), .text(collection.title), .text(collection.description),
                      .text(collection.partnerOrg), .text(collection.rule.rawValue), .integer(collection.canRead ? 1 : 0),
                      .integer(collection.canWrite ? 1 : 0), .text(Self.now())])
        }
    }

    public func taxiiCollections() async throws -> [TAXIICollection] {
        try await connection.query("SELECT * FROM taxii_collections ORDER BY collection_id", []).map(Self.collection)
    }

    public func taxiiCollection(_ id: String) async throws -> TAXIICollection? {
        try await connection.query("SELECT * FROM taxii_collections WHERE collection_id = ?", [.text(id)]).first.map(Self.collection)
    }

    static func collection(_ row: SQLRow) -> TAXIICollection {
        TAXIICollection(collectionID: row["collection_id"].text ?? "", title: row["title"].text ?? "",
                        description: row["description"].text ?? "", partnerOrg: row["partner_org"].text ?? "",
                        rule: TAXIICollection.Rule(rawValue: row["rule"].text ?? "") ?? .released,
                        canRead: row["can_read"].integer == 1, canWrite: row["can_write"].integer == 1,
                        createdAt: row["created_at"].text ?? "", publishedAt: row["published_at"].text)
    }

    // MARK: Objects

    /// Adds object versions to a collection in one transaction with `events`. A version already
    /// there is left as it is (same id and version: the same object, by STIX's rules). Each new
    /// version gets a date_added after every earlier one of the collection.
    public func addTAXIIObjects(_ objects: [TAXIIObject], to collectionID: String, events: [AuditEvent] = [],
                                withdrawingAllBut keep: Set<String>? = nil) async throws -> TAXIIAddCounts {
        try await withAuditedTransaction(events) {
            var counts = TAXIIAddCounts()
            var clock = try await lastAddedMicroseconds(collectionID)
            // The versions already there of the objects given, in a few queries, not one per object.
            var existing: [String: [String]] = [:]
            let ids = Array(Set(objects.map(\.id)))
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = ids[start..<min(start + 500, ids.count)]
                let rows = try await connection.query("""
                    SELECT object_id, version FROM taxii_objects WHERE collection_id = ? AND object_id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ", ")))
                    """, [.text(collectionID)] + chunk.map { .text($0) })
                for row in rows {
                    if let id = row["object_id"].text, let version = row["version"].text { existing[id, default: []].append(version) }
                }
            }
            for object in objects {
                let versions = existing[object.id] ?? []
                if versions.contains(object.version) {
                    counts.unchanged += 1
                    continue
                }
                let newest = versions.max()
                let oldest = versions.min()
                let isLatest = newest.map { object.version > $0 } ?? true
                let isFirst = oldest.map { object.version < $0 } ?? true
                if isLatest, newest != nil {
                    try await connection.execute("UPDATE taxii_objects SET is_latest = 0 WHERE collection_id = ? AND object_id = ? AND is_latest = 1",
                                                 [.text(collectionID), .text(object.id)])
                }
                if isFirst, oldest != nil {
                    try await connection.execute("UPDATE taxii_objects SET is_first = 0 WHERE collection_id = ? AND object_id = ? AND is_first = 1",
                                                 [.text(collectionID), .text(object.id)])
                }
                clock = max(clock + 1, Self.nowMicroseconds())
                try await connection.execute("""
                    INSERT INTO taxii_objects (collection_id, added_us, object_id, version, object_type, spec_version, is_latest, is_first, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(collectionID), .integer(clock), .text(object.id), .text(object.version), .text(object.type),
                          .text(object.specVersion), .integer(isLatest ? 1 : 0), .integer(isFirst ? 1 : 0), .text(object.body)])
                existing[object.id, default: []].append(object.version)
                counts.added += 1
            }
            if let keep {
                counts.withdrawn = try await withdrawTAXIIObjects(from: collectionID, keeping: keep)
            }
            return counts
        }
    }

    /// Removes from a collection every object whose id is not in `keep` (what its rule no longer
    /// releases). Partners that already pulled them keep their copies: TAXII cannot recall.
    private func withdrawTAXIIObjects(from collectionID: String, keeping keep: Set<String>) async throws -> Int {
        var withdrawn: [String] = []
        var after: Int64 = -1
        while true {
            let rows = try await connection.query("""
                SELECT added_us, object_id FROM taxii_objects WHERE collection_id = ? AND added_us > ? ORDER BY added_us LIMIT 10000
                """, [.text(collectionID), .integer(after)])
            guard let last = rows.last else { break }
            after = last["added_us"].integer ?? after
            for row in rows {
                if let id = row["object_id"].text, !keep.contains(id) { withdrawn.append(id) }
            }
        }
        for id in Set(withdrawn) {
            try await connection.execute("DELETE FROM taxii_objects WHERE collection_id = ? AND object_id = ?",
                                         [.text(collectionID), .text(id)])
        }
        return withdrawn.count
    }

    public func markTAXIICollectionPublished(_ collectionID: String) async throws {
        try await connection.execute("UPDATE taxii_collections SET published_at = ? WHERE collection_id = ?",
                                     [.text(Self.now()), .text(collectionID)])
    }

    private func lastAddedMicroseconds(_ collectionID: String) async throws -> Int64 {
        try await connection.query("SELECT MAX(added_us) AS m FROM taxii_objects WHERE collection_id = ?", [.text(collectionID)])
            .first?["m"].integer ?? 0
    }

    static func nowMicroseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    /// The WHERE clause and binds of `query` (without the limit).
    /// - Parameter latestAlongKey: read the latest versions along the primary key (see
    ///   `taxiiLatestAlongKey`): `+is_latest` keeps SQLite from using `taxii_objects_latest`.
    private func taxiiConditions(_ query: TAXIIQuery, latestAlongKey: Bool = false) -> (String, [SQLValue]) {
        var conditions = ["collection_id = ?"]
        var binds: [SQLValue] = [.text(query.collectionID)]
        let floor = max(query.addedAfter ?? -1, query.after ?? -1)
        if floor >= 0 {
            conditions.append("added_us > ?")
            binds.append(.integer(floor))
        }
        switch query.versions {
        case .last: conditions.append(latestAlongKey ? "+is_latest = 1" : "is_latest = 1")
        case .first: conditions.append("is_first = 1")
        case .all: break
        case .exactly(let versions):
            conditions.append("version IN (\(Array(repeating: "?", count: versions.count).joined(separator: ", ")))")
            binds += versions.map { .text($0) }
        }
        for (column, values) in [("object_id", query.ids), ("object_type", query.types), ("spec_version", query.specVersions)]
        where !values.isEmpty {
            conditions.append("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))")
            binds += values.map { .text($0) }
        }
        return (conditions.joined(separator: " AND "), binds)
    }

    /// The statement of `taxiiObjectsJSON`'s page on SQLite: date_added, id, version and body. A page
    /// of one type (`match[type]`, latest versions) is read from `taxii_objects_type_bodies` alone
    /// (migration 0015).
    func taxiiPageSQL(_ query: TAXIIQuery, latestAlongKey: Bool) -> (String, [SQLValue]) {
        var (conditions, binds) = taxiiConditions(query, latestAlongKey: latestAlongKey)
        binds.append(.integer(Int64(query.limit + 1)))
        return ("SELECT added_us, object_id, version, body FROM taxii_objects WHERE \(conditions) ORDER BY added_us LIMIT ?", binds)
    }

    /// A page of a collection's objects matching `query`, in date_added order.
    public func taxiiObjects(_ query: TAXIIQuery, withBodies: Bool = true) async throws -> TAXIIPage {
        var (conditions, binds) = taxiiConditions(query)
        binds.append(.integer(Int64(query.limit + 1)))
        let columns = withBodies ? "added_us, object_id, version, object_type, spec_version, body"
                                 : "added_us, object_id, version, object_type, spec_version"
        let rows = try await connection.query("""
            SELECT \(columns) FROM taxii_objects WHERE \(conditions) ORDER BY added_us LIMIT ?
            """, binds)
        let objects = rows.prefix(query.limit).map { row in
            TAXIIObject(id: row["object_id"].text ?? "", version: row["version"].text ?? "", type: row["object_type"].text ?? "",
                        specVersion: row["spec_version"].text ?? "", body: row["body"].text ?? "",
                        addedMicroseconds: row["added_us"].integer ?? 0)
        }
        return TAXIIPage(objects: Array(objects), more: rows.count > query.limit)
    }

    /// The same page as `taxiiObjects`, as the bytes of its objects joined by commas (the inside of
    /// an envelope's `objects` array), with its first and last date_added and the SHA-256 of its
    /// ids and versions (`id version` lines).
    public func taxiiObjectsJSON(_ query: TAXIIQuery) async throws -> TAXIIJSONPage<[UInt8]> {
        try await taxiiObjectsJSON(query, as: [UInt8].self)
    }

    /// The same, the objects written into a `Bytes` made here: the TAXII server's hot path, which
    /// copies each body once, straight from SQLite's row into its response buffer.
    public func taxiiObjectsJSON<Bytes: TAXIIPageBytes>(_ query: TAXIIQuery, as _: Bytes.Type) async throws -> TAXIIJSONPage<Bytes> {
        let database = connection as? SQLiteDatabase
        let alongKey = try database.map { try taxiiLatestAlongKey(query, $0) } ?? false
        let (sql, binds) = taxiiPageSQL(query, latestAlongKey: alongKey)
        var page = TAXIIJSONPage(json: Bytes(pageCapacity: min(query.limit, 1000) * 1024))
        var hasher = SHA256()
        guard let database else {
            let rows = try await taxiiObjects(query)
            for (index, object) in rows.objects.enumerated() {
                if index > 0 { page.json.appendComma(); hasher.update(data: [10]) }
                var body = object.body
                body.withUTF8 { page.json.appendJSON(UnsafeRawBufferPointer($0)) }
                hasher.update(data: Array((object.id + " " + object.version).utf8))
                if index == 0 { page.first = object.addedMicroseconds }
                page.last = object.addedMicroseconds
            }
            page.count = rows.objects.count
            page.more = rows.more
            page.digest = AuditChain.hex(hasher.finalize())
            return page
        }
        try database.forEachRow(sql, binds) { statement in
            guard page.count < query.limit else {
                page.more = true
                return
            }
            if page.count > 0 {
                page.json.appendComma()
                hasher.update(data: [10])
            }
            let added = statement.int64(0)
            if page.count == 0 { page.first = added }
            page.last = added
            statement.withText(1) { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            hasher.update(data: [32])
            statement.withText(2) { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            statement.withText(3) { page.json.appendJSON(UnsafeRawBufferPointer($0)) }
            page.count += 1
        }
        page.digest = AuditChain.hex(hasher.finalize())
        return page
    }

    /// Whether a page of a collection's latest versions (no other filter) is best read along the
    /// primary key, `(collection_id, added_us)`, passing over older versions, rather than through
    /// `taxii_objects_latest` and then one primary-key look-up per row. SQLite, which has no
    /// statistics here, always takes the index; walking the key costs about 40 % less per page when
    /// nearly every row is a latest version (docs/benchmarks.md, federation), and more when many
    /// are not. So the key is walked when a collection's older versions are at most half as many as
    /// its latest ones (a page then passes over at most half as many rows again, on average). The
    /// counts are capped, so the check costs a few milliseconds, and kept for a minute per collection;
    /// both ways give the same rows.
    func taxiiLatestAlongKey(_ query: TAXIIQuery, _ database: SQLiteDatabase) throws -> Bool {
        guard case .last = query.versions, query.ids.isEmpty, query.types.isEmpty, query.specVersions.isEmpty else { return false }
        if let known = taxiiScanPlans.alongKey(query.collectionID) { return known }
        let cap = TAXIIScanPlans.countCap
        var older = 0, latest = 0
        try database.forEachRow("SELECT COUNT(*) FROM (SELECT 1 FROM taxii_objects WHERE collection_id = ? AND is_latest = 0 LIMIT ?)",
                                [.text(query.collectionID), .integer(Int64(cap))]) { older = Int($0.int64(0)) }
        try database.forEachRow("SELECT COUNT(*) FROM (SELECT 1 FROM taxii_objects WHERE collection_id = ? AND is_latest = 1 LIMIT ?)",
                                [.text(query.collectionID), .integer(Int64(2 * cap))]) { latest = Int($0.int64(0)) }
        let alongKey = older < cap && 2 * older <= latest
        taxiiScanPlans.store(query.collectionID, alongKey: alongKey)
        return alongKey
    }

    public func taxiiObjectCount(_ collectionID: String) async throws -> Int {
        Int(try await connection.query("SELECT COUNT(*) AS n FROM taxii_objects WHERE collection_id = ?", [.text(collectionID)])
            .first?["n"].integer ?? 0)
    }

    // MARK: Statuses

    public func saveTAXIIStatus(_ status: TAXIIStatus) async throws {
        let details = String(decoding: try JSONEncoder().encode(["successes": status.successes, "failures": status.failures,
                                                                 "pendings": status.pendings]), as: UTF8.self)
        try await connection.execute("""
            INSERT INTO taxii_statuses (status_id, collection_id, user_id, org_id, request_timestamp, status, total_count,
                                        success_count, failure_count, pending_count, details)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(status.statusID), .text(status.collectionID), .text(status.userID), .text(status.orgID),
                  .text(status.requestTimestamp), .text(status.status), .integer(Int64(status.totalCount)),
                  .integer(Int64(status.successes.count)), .integer(Int64(status.failures.count)),
                  .integer(Int64(status.pendings.count)), .text(details)])
    }

    public func taxiiStatus(_ statusID: String) async throws -> TAXIIStatus? {
        guard let row = try await connection.query("SELECT * FROM taxii_statuses WHERE status_id = ?", [.text(statusID)]).first else {
            return nil
        }
        let details = (try? JSONDecoder().decode([String: [TAXIIStatus.Detail]].self,
                                                 from: Data((row["details"].text ?? "{}").utf8))) ?? [:]
        return TAXIIStatus(statusID: statusID, collectionID: row["collection_id"].text ?? "", userID: row["user_id"].text ?? "",
                           orgID: row["org_id"].text ?? "", requestTimestamp: row["request_timestamp"].text ?? "",
                           status: row["status"].text ?? "", successes: details["successes"] ?? [],
                           failures: details["failures"] ?? [], pendings: details["pendings"] ?? [])
    }

    // MARK: Pull cursors

    public func syncCursor(remote: String, collectionID: String) async throws -> SyncCursor? {
        try await connection.query("SELECT * FROM sync_cursors WHERE remote = ? AND collection_id = ?",
                                   [.text(remote), .text(collectionID)]).first.map(Self.cursor)
    }

    public func syncCursors() async throws -> [SyncCursor] {
        try await connection.query("SELECT * FROM sync_cursors ORDER BY remote, collection_id", []).map(Self.cursor)
    }

    static func cursor(_ row: SQLRow) -> SyncCursor {
        SyncCursor(remote: row["remote"].text ?? "", collectionID: row["collection_id"].text ?? "",
                   addedLast: row["added_last"].text, objectsLoaded: row["objects_loaded"].integer ?? 0,
                   updatedAt: row["updated_at"].text ?? "")
    }

    /// Records that a pull loaded a page up to `addedLast`, with an audit event, in one transaction.
    public func advanceSyncCursor(remote: String, collectionID: String, addedLast: String, loaded: Int, event: AuditEvent) async throws {
        try await withAuditedTransaction([event]) {
            let previous = try await connection.query("SELECT objects_loaded FROM sync_cursors WHERE remote = ? AND collection_id = ?",
                                                      [.text(remote), .text(collectionID)]).first
            if let previous {
                try await connection.execute("""
                    UPDATE sync_cursors SET added_last = ?, objects_loaded = ?, updated_at = ? WHERE remote = ? AND collection_id = ?
                    """, [.text(addedLast), .integer((previous["objects_loaded"].integer ?? 0) + Int64(loaded)), .text(Self.now()),
                          .text(remote), .text(collectionID)])
            } else {
                try await connection.execute("""
                    INSERT INTO sync_cursors (remote, collection_id, added_last, objects_loaded, updated_at) VALUES (?, ?, ?, ?, ?)
                    """, [.text(remote), .text(collectionID), .text(addedLast), .integer(Int64(loaded)), .text(Self.now())])
            }
        }
    }
}

/// `Store.taxiiLatestAlongKey`'s choice per collection, kept for `lifetime`.
final class TAXIIScanPlans: @unchecked Sendable {
    static let lifetime: Duration = .seconds(60)
    /// The counts of older and latest versions stop here (the latter at twice this).
    static let countCap = 20_000

    private let lock = NSLock()
    private var plans: [String: (alongKey: Bool, at: ContinuousClock.Instant)] = [:]

    func alongKey(_ collection: String) -> Bool? {
        lock.withLock { plans[collection].flatMap { ContinuousClock.now - $0.at < Self.lifetime ? $0.alongKey : nil } }
    }

    func store(_ collection: String, alongKey: Bool) {
        lock.withLock {
            if plans.count > 10_000 { plans.removeAll() }
            plans[collection] = (alongKey, ContinuousClock.now)
        }
    }
}
