public import RastroModel

extension Store {
    /// How many current records of `kind` the viewer may see per month of `dateField` (a date
    /// field of the kind's schema, `YYYY-MM…`), oldest month first; `chemicals` keeps the
    /// records whose chemical the catalog controls (their catalog CAS numbers, `chemical_ref`).
    public func monthlyCounts(_ kind: Kind, dateField: String, chemicals: [String]? = nil, viewer: Viewer) async throws -> [(month: String, count: Int)] {
        guard kind.schema.fields.contains(where: { $0.name == dateField }) else { return [] }
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        var filter = ""
        var extra: [SQLValue] = []
        if let chemicals, kind.schema.hasChemical {
            guard !chemicals.isEmpty else { return [] }
            filter = " AND chemical_ref IN (" + Array(repeating: "?", count: chemicals.count).joined(separator: ",") + ")"
            extra = chemicals.map { .text($0) }
        }
        let rows = try await connection.query("""
            SELECT substr(\(dateField), 1, 7) AS month, COUNT(*) AS n FROM \(kind.table)
            WHERE is_current = 1 AND \(dateField) IS NOT NULL\(filter) AND \(predicate)
            GROUP BY substr(\(dateField), 1, 7) ORDER BY month
            """, extra + binds)
        return rows.compactMap { row in row["month"].text.map { ($0, Int(row["n"].integer ?? 0)) } }
    }
}

extension Store {
    /// The current records of a kind with a chemical whose catalog CAS number is `chemicalRef`,
    /// that the viewer may see, in id order (a trace needs one chemical's records only).
    public func currentRecords(_ kind: Kind, chemicalRef: String, viewer: Viewer) async throws -> [Record] {
        guard kind.schema.hasChemical else { return [] }
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let rows = try await connection.query("""
            SELECT * FROM \(kind.table) WHERE is_current = 1 AND chemical_ref = ? AND \(predicate) ORDER BY record_id
            """, [.text(chemicalRef)] + binds)
        let redactor = try await redactor(for: viewer)
        return rows.map { redactor.redacted(Self.record(kind, $0)) }
    }
}
