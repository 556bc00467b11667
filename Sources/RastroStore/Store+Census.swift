public import RastroModel

extension Store {
    /// What the record tables hold now: loads are the only writers of records, so the number of
    /// loads and the newest one's finish time change whenever a record does (`3|2026-11-26T09:00:00Z`).
    /// One SQL expression, so that a statement can compare it with the census's stamp itself.
    static let dataStampSQL = "SELECT CAST(COUNT(*) AS TEXT) || '|' || COALESCE(MAX(finished_at), '') AS stamp FROM loads"

    /// True in a statement when the census was built from the record tables that statement sees.
    static let censusIsFreshSQL = "(SELECT stamp FROM marking_census_stamp WHERE id = 1) = (\(dataStampSQL))"

    public func dataStamp() async throws -> String {
        try await connection.query(Self.dataStampSQL, []).first?["stamp"].text ?? ""
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
    ///
    /// The counting (a scan of every record table: seconds on a large store) runs before the write
    /// transaction, so that other writers, audit entries among them, do not wait for it; the
    /// transaction then only replaces a few hundred rows. Loads only add rows to `loads`, so an
    /// unchanged stamp after the scan means that no load committed during it; otherwise the census
    /// is counted inside the transaction.
    @discardableResult
    public func refreshMarkingCensus() async throws -> Bool {
        let stamp = try await dataStamp()
        guard try await censusStamp() != stamp else { return false }
        var counted: [[SQLValue]] = []
        for kind in Kind.allCases {
            for row in try await connection.query(Self.censusCountSQL(kind), []) {
                var values: [SQLValue] = [.text(kind.rawValue)]
                values += row.values.prefix(3)
                values += [.integer(row.values[3].integer ?? 0), .integer(row.values[4].integer ?? 0)]
                counted.append(values)
            }
        }
        try await connection.beginWrite(.database)
        do {
            if dialect == .postgres {
                // Serializes census rebuilds (two would both delete, then both insert the same keys).
                try await connection.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.marking_census'))", [])
            }
            let now = try await dataStamp()
            guard try await censusStamp() != now else {
                try await connection.execute("COMMIT")
                return false
            }
            try await connection.execute("DELETE FROM marking_census")
            if now == stamp {
                for row in counted {
                    try await connection.execute("""
                        INSERT INTO marking_census (kind, originator, tlp, releasable_to, records, versions) VALUES (?, ?, ?, ?, ?, ?)
                        """, row)
                }
            } else {
                for kind in Kind.allCases {
                    try await connection.execute("""
                        INSERT INTO marking_census (kind, originator, tlp, releasable_to, records, versions)
                        SELECT '\(kind.rawValue)', originator, tlp, releasable_to, records, versions FROM (\(Self.censusCountSQL(kind))) counted
                        """)
                }
            }
            try await connection.execute("DELETE FROM marking_census_stamp")
            try await connection.execute("INSERT INTO marking_census_stamp (id, stamp) VALUES (1, ?)", [.text(now)])
            try await connection.execute("COMMIT")
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
        return true
    }

    /// One kind's census rows: originator, TLP, releasable-to, current records, versions.
    private static func censusCountSQL(_ kind: Kind) -> String {
        """
        SELECT originator, tlp, COALESCE(releasable_to, '') AS releasable_to, CAST(SUM(is_current) AS BIGINT) AS records,
               CAST(COUNT(*) AS BIGINT) AS versions
        FROM \(kind.table) GROUP BY originator, tlp, COALESCE(releasable_to, '')
        """
    }

    /// `stats(viewer:)` from the marking census (refresh it first): the same counts, per kind,
    /// originator and TLP, of what the viewer may see; the viewer's predicate applies to the
    /// census's markings as it does to records.
    public func censusStats(viewer: Viewer) async throws -> [KindStats] {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let rows = try await connection.query("""
            SELECT kind, originator, tlp, CAST(SUM(records) AS BIGINT) AS records, CAST(SUM(versions) AS BIGINT) AS versions
            FROM marking_census WHERE \(predicate)
            GROUP BY kind, originator, tlp
            """, binds)
        return Self.kindStats(rows)
    }

    /// Counts per kind, originator and TLP of what `viewer` may see, in kind, originator and TLP
    /// order. From the marking census when no load has finished since it was built (one
    /// statement checks that and sums the census rows the viewer's predicate admits: a few dozen
    /// rows instead of millions), otherwise by a scan of every record table (`scanStats`). The
    /// same answer either way.
    public func stats(viewer: Viewer) async throws -> [KindStats] {
        if let counted = try await freshCensusStats(viewer: viewer) { return counted }
        return try await scanStats(viewer: viewer)
    }

    /// `stats(viewer:)` with the audit entry of the read (`rastro stats`), logged before the
    /// counts are returned (`withAuditedRead`, `auditRead`).
    public func stats(viewer: Viewer, audit event: AuditEvent) async throws -> [KindStats] {
        if let counted = try await withAuditedRead({ try await freshCensusStats(viewer: viewer) }, audit: { $0 == nil ? [] : [event] }) {
            return counted
        }
        let scanned = try await scanStats(viewer: viewer)
        try await auditRead([event])
        return scanned
    }

    /// `censusStats(viewer:)` if the census is fresh, nil if it is stale, checked in the same
    /// statement (one snapshot on both backends: a load committing meanwhile cannot slip between
    /// the check and the sums). The row with an empty kind says the census was fresh.
    @_spi(Testing)
    public func freshCensusStats(viewer: Viewer) async throws -> [KindStats]? {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let rows = try await connection.query("""
            SELECT kind, originator, tlp, CAST(SUM(records) AS BIGINT) AS records, CAST(SUM(versions) AS BIGINT) AS versions
            FROM marking_census WHERE \(Self.censusIsFreshSQL) AND \(predicate)
            GROUP BY kind, originator, tlp
            UNION ALL SELECT '', '', '', 0, 0 WHERE \(Self.censusIsFreshSQL)
            """, binds)
        guard rows.contains(where: { $0.values[0].text == "" }) else { return nil }
        return Self.kindStats(rows)
    }

    private static func kindStats(_ rows: [SQLRow]) -> [KindStats] {
        KindStats.ordered(rows.compactMap { row in
            guard let kind = Kind(rawValue: row.values[0].text ?? "") else { return nil }
            return KindStats(kind: kind, originator: row.values[1].text ?? "", tlp: TLP(rawValue: row.values[2].text ?? "") ?? .red,
                             records: Int(row.values[3].integer ?? 0), versions: Int(row.values[4].integer ?? 0))
        })
    }
}
