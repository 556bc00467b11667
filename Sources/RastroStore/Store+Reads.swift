import Foundation
public import RastroModel

/// Counts of one kind for one originator and TLP level, as a viewer may see them.
public struct KindStats: Sendable, Hashable, Codable {
    public var kind: Kind
    public var originator: String
    public var tlp: TLP
    /// Records whose current version is visible.
    public var records: Int
    /// Visible versions, current or not.
    public var versions: Int

    /// In kind (`Kind.allCases`), originator and TLP order, the texts compared byte by byte (as
    /// SQLite's BINARY collation does; PostgreSQL's ORDER BY would follow the database's locale).
    static func ordered(_ stats: [KindStats]) -> [KindStats] {
        stats.sorted { a, b in
            if a.kind != b.kind { return a.kind < b.kind }
            if a.originator != b.originator { return a.originator.utf8.lexicographicallyPrecedes(b.originator.utf8) }
            return a.tlp.rawValue.utf8.lexicographicallyPrecedes(b.tlp.rawValue.utf8)
        }
    }
}

/// One stored version of a record, with where it came from.
public struct StoredVersion: Sendable, Hashable {
    public var record: Record
    public var version: Int
    public var isCurrent: Bool
    public var provenance: Provenance
}

extension Store {
    /// `stats(viewer:)` by a scan of every record table with the viewer's predicate: what it
    /// answers when the marking census is stale (SPI `Testing`: the tests and the read benchmark
    /// compare it with the census).
    @_spi(Testing)
    public func scanStats(viewer: Viewer) async throws -> [KindStats] {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        var result: [KindStats] = []
        for kind in Kind.allCases {
            // (Counting per marking first and filtering the groups was tried: grouping by the
            // releasable-to text as well cost more than the predicate saves; docs/benchmarks.md.)
            let rows = try await connection.query("""
                SELECT originator, tlp, SUM(is_current) AS records, COUNT(*) AS versions
                FROM \(kind.table) WHERE \(predicate)
                GROUP BY originator, tlp ORDER BY originator, tlp
                """, binds)
            for row in rows {
                result.append(KindStats(kind: kind, originator: row["originator"].text ?? "",
                                        tlp: TLP(rawValue: row["tlp"].text ?? "") ?? .red,
                                        records: Int(row["records"].integer ?? 0), versions: Int(row["versions"].integer ?? 0)))
            }
        }
        return KindStats.ordered(result)
    }

    /// How many current records of `kind` the viewer may see.
    public func count(_ kind: Kind, viewer: Viewer) async throws -> Int {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let rows = try await connection.query("SELECT COUNT(*) AS n FROM \(kind.table) WHERE is_current = 1 AND \(predicate)", binds)
        return Int(rows.first?["n"].integer ?? 0)
    }

    /// Every version of one record that the viewer may see, oldest first, with provenance.
    public func versions(of kind: Kind, id: String, viewer: Viewer) async throws -> [StoredVersion] {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, alias: "t", dialect: dialect)
        let rows = try await connection.query("""
            SELECT t.*, f.path AS source_path, f.load_id AS source_load, l.finished_at AS loaded_at
            FROM \(kind.table) t
            JOIN load_files f ON f.file_id = t.file_id
            JOIN loads l ON l.load_id = f.load_id
            WHERE t.record_id = ? AND \(predicate)
            ORDER BY t.version
            """, [.text(id)] + binds)
        let redactor = try await redactor(for: viewer)
        return rows.map { row in
            var version = Self.storedVersion(kind, row)
            redactor.apply(&version.record)
            return version
        }
    }

    /// A version as `versions(of:id:viewer:)` selects it: the record's row with its file's path and load.
    static func storedVersion(_ kind: Kind, _ row: SQLRow) -> StoredVersion {
        StoredVersion(record: record(kind, row), version: Int(row["version"].integer ?? 0), isCurrent: row["is_current"].integer == 1,
                      provenance: Provenance(loadID: row["source_load"].text ?? "", sourceFile: row["source_path"].text ?? "",
                                             line: Int(row["line"].integer ?? 0), loadedAt: row["loaded_at"].text ?? ""))
    }

    /// The current records of `kind` that the viewer may see, in id order (for small kinds and tests;
    /// analysis reads in batches).
    public func currentRecords(_ kind: Kind, viewer: Viewer, limit: Int = 10_000, after id: String = "") async throws -> [Record] {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let rows = try await connection.query("""
            SELECT * FROM \(kind.table) WHERE is_current = 1 AND record_id > ? AND \(predicate)
            ORDER BY record_id LIMIT \(max(0, limit))
            """, [.text(id)] + binds)
        let redactor = try await redactor(for: viewer)
        return rows.map { redactor.redacted(Self.record(kind, $0)) }
    }

    /// The current records the viewer may see whose `field` is one of `values` (a field of the
    /// kind's schema; any other name reads nothing), in id order. For indexed lookups such as the
    /// legs of some transfers.
    public func currentRecords(_ kind: Kind, where field: String, in values: [String], viewer: Viewer) async throws -> [Record] {
        guard kind.schema.fields.contains(where: { $0.name == field }), !values.isEmpty else { return [] }
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        var out: [Record] = []
        let redactor = try await redactor(for: viewer)
        let unique = Array(Set(values)).sorted()
        var start = 0
        while start < unique.count {
            let chunk = unique[start..<min(unique.count, start + 500)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let rows = try await connection.query(
                "SELECT * FROM \(kind.table) WHERE is_current = 1 AND \(field) IN (\(marks)) AND \(predicate)",
                chunk.map { SQLValue.text($0) } + binds)
            out += rows.map { redactor.redacted(Self.record(kind, $0)) }
            start += 500
        }
        return out.sorted { $0.id < $1.id }
    }

    /// The current records the viewer may see among `ids` (record ids: for a kind with one id
    /// field, its value; a track point's is `VEHICLE@TIME`), in id order: lookups by primary key.
    public func currentRecords(_ kind: Kind, ids: some Collection<String>, viewer: Viewer) async throws -> [Record] {
        guard !ids.isEmpty else { return [] }
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let redactor = try await redactor(for: viewer)
        let unique = Array(Set(ids)).sorted()
        var out: [Record] = []
        var start = 0
        while start < unique.count {
            let chunk = unique[start..<min(unique.count, start + Self.batchRows)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let rows = try await connection.query(
                "SELECT * FROM \(kind.table) WHERE is_current = 1 AND record_id IN (\(marks)) AND \(predicate) ORDER BY record_id",
                chunk.map { SQLValue.text($0) } + binds)
            out += rows.map { redactor.redacted(Self.record(kind, $0)) }
            start += chunk.count
        }
        return out
    }

    /// Like `currentRecords`, reading only `fields` (and the marking): the other fields are null and
    /// extra attributes are not read. For scans that need a few columns of many rows.
    public func currentRecords(_ kind: Kind, fields: [String], viewer: Viewer, limit: Int = 10_000, after id: String = "") async throws -> [Record] {
        let schema = kind.schema
        let wanted = fields.filter { name in schema.fields.contains { $0.name == name } }
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let rows = try await connection.query("""
            SELECT record_id, tlp, releasable_to, originator, line\(wanted.map { ", " + $0 }.joined())
            FROM \(kind.table) WHERE is_current = 1 AND record_id > ? AND \(predicate)
            ORDER BY record_id LIMIT \(max(0, limit))
            """, [.text(id)] + binds)
        let positions = wanted.map { name in schema.fields.firstIndex { $0.name == name }! }
        let redactor = try await redactor(for: viewer)
        return rows.map { row in
            var values = [FieldValue](repeating: .null, count: schema.fields.count)
            for (offset, position) in positions.enumerated() {
                let value = row.values[5 + offset]
                values[position] = schema.fields[position].type.isNumeric ? (value.double.map(FieldValue.number) ?? .null)
                    : (value.text.map(FieldValue.text) ?? .null)
            }
            let marking = Marking(tlp: TLP(rawValue: row.values[1].text ?? "") ?? .red,
                                  releasableTo: Marking.parseStoredReleasable(row.values[2].text ?? ""), originator: row.values[3].text ?? "")
            return redactor.redacted(Record(kind: kind, id: row.values[0].text ?? "", values: values, attributes: [], marking: marking,
                                            chemicalRef: nil, line: Int(row.values[4].integer ?? 0)))
        }
    }

    static func record(_ kind: Kind, _ row: SQLRow) -> Record {
        let schema = kind.schema
        let values: [FieldValue] = schema.fields.map { field in
            let value = row[field.name]
            if field.type.isNumeric { return value.double.map(FieldValue.number) ?? .null }
            return value.text.map(FieldValue.text) ?? .null
        }
        var attributes: [Record.Attribute] = []
        if let json = row["attributes"].text, let data = json.data(using: .utf8),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: String] {
            attributes = object.map { Record.Attribute(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
        }
        let marking = Marking(tlp: TLP(rawValue: row["tlp"].text ?? "") ?? .red,
                              releasableTo: Marking.parseStoredReleasable(row["releasable_to"].text ?? ""),
                              originator: row["originator"].text ?? "")
        return Record(kind: kind, id: row["record_id"].text ?? "", values: values, attributes: attributes, marking: marking,
                      chemicalRef: schema.hasChemical ? row["chemical_ref"].text : nil, line: Int(row["line"].integer ?? 0))
    }
}

extension Store {
    /// The markings of the current records behind `references` (kind and record id; an
    /// incident's named party `ID#n` is its incident) that the viewer may see; the others are absent.
    public func markings(of references: some Sequence<Findings.EvidenceRef>, viewer: Viewer) async throws -> [Findings.EvidenceRef: Marking] {
        var byKind: [Kind: Set<String>] = [:]
        for reference in references {
            guard let kind = Kind(rawValue: reference.kind) else { continue }
            byKind[kind, default: []].insert(Self.recordID(of: Mention(kind: reference.kind, id: reference.id, role: .self)))
        }
        let (predicate, predicateBinds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        var byRecord: [String: Marking] = [:]
        for (kind, ids) in byKind.sorted(by: { $0.key < $1.key }) {
            let sorted = ids.sorted()
            var start = 0
            while start < sorted.count {
                let end = min(sorted.count, start + Self.batchRows)
                let marks = Array(repeating: "?", count: end - start).joined(separator: ",")
                let rows = try await connection.query("""
                    SELECT record_id, tlp, releasable_to, originator FROM \(kind.table)
                    WHERE is_current = 1 AND record_id IN (\(marks)) AND \(predicate)
                    """, sorted[start..<end].map(SQLValue.text) + predicateBinds)
                for row in rows {
                    byRecord[kind.rawValue + "/" + (row.values[0].text ?? "")] = Marking(
                        tlp: TLP(rawValue: row.values[1].text ?? "") ?? .red,
                        releasableTo: Marking.parseStoredReleasable(row.values[2].text ?? ""), originator: row.values[3].text ?? "")
                }
                start = end
            }
        }
        var out: [Findings.EvidenceRef: Marking] = [:]
        for reference in references {
            let record = Self.recordID(of: Mention(kind: reference.kind, id: reference.id, role: .self))
            if let marking = byRecord[reference.kind + "/" + record] { out[reference] = marking }
        }
        return out
    }
}
