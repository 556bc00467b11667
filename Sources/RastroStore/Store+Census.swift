public import RastroModel

extension Store {
    /// What the record tables hold now: loads are the only writers of records, so the number of
    /// loads and the newest one's finish time change whenever a record does.
    public func dataStamp() async throws -> String {
        let row = try await connection.query("SELECT COUNT(*) AS n, MAX(finished_at) AS last FROM loads", []).first
        return "\(row?["n"].integer ?? 0)|\(row?["last"].text ?? "")"
    }

    /// Whether a load finished since the census was built (a read: callers check it before taking
    /// the write connection).
    public func markingCensusIsStale() async throws -> Bool {
        try await censusStamp() != dataStamp()
    }

    private func censusStamp() async throws -> String? {
        try await connection.query("SELECT stamp FROM marking_census_stamp WHERE id = 1", []).first?["stamp"].text
    }

    /// Rebuilds the marking census when a load finished since it was built; returns whether it did.
    @discardableResult
    public func refreshMarkingCensus() async throws -> Bool {
        let stamp = try await dataStamp()
        guard try await censusStamp() != stamp else { return false }
        try await connection.execute(dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            try await connection.execute("DELETE FROM marking_census")
            for kind in Kind.allCases {
                try await connection.execute("""
                    INSERT INTO marking_census (kind, originator, tlp, releasable_to, records, versions)
                    SELECT '\(kind.rawValue)', originator, tlp, COALESCE(releasable_to, ''), SUM(is_current), COUNT(*)
                    FROM \(kind.table) GROUP BY originator, tlp, COALESCE(releasable_to, '')
                    """)
            }
            try await connection.execute("DELETE FROM marking_census_stamp")
            try await connection.execute("INSERT INTO marking_census_stamp (id, stamp) VALUES (1, ?)", [.text(stamp)])
            try await connection.execute("COMMIT")
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
        return true
    }

    /// `stats(viewer:)` from the marking census (refresh it first): the same counts, per kind,
    /// originator and TLP, of what the viewer may see; the viewer's predicate applies to the
    /// census's markings as it does to records.
    public func censusStats(viewer: Viewer) async throws -> [KindStats] {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let rows = try await connection.query("""
            SELECT kind, originator, tlp, CAST(SUM(records) AS BIGINT) AS records, CAST(SUM(versions) AS BIGINT) AS versions
            FROM marking_census WHERE \(predicate)
            GROUP BY kind, originator, tlp ORDER BY kind, originator, tlp
            """, binds)
        return rows.compactMap { row in
            guard let kind = Kind(rawValue: row["kind"].text ?? "") else { return nil }
            return KindStats(kind: kind, originator: row["originator"].text ?? "", tlp: TLP(rawValue: row["tlp"].text ?? "") ?? .red,
                             records: Int(row["records"].integer ?? 0), versions: Int(row["versions"].integer ?? 0))
        }
    }
}
