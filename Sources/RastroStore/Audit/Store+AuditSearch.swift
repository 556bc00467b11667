extension Store {
    /// What to look for in the audit log; empty fields match anything.
    public struct AuditFilter: Sendable, Hashable {
        public var actor = ""
        public var organization = ""
        public var action = ""
        /// Text an object id contains (`consignments/C-26-…`).
        public var object = ""
        /// Entries at or after / before these times (ISO 8601 prefixes compare as text).
        public var from = ""
        public var until = ""
        /// Only entries older than this sequence number (the next page); 0 for the newest.
        public var before: Int64 = 0

        public init() {}
    }

    /// The newest `limit` audit entries that match `filter`, newest first.
    public func auditEntries(matching filter: AuditFilter, limit: Int) async throws -> [AuditEntry] {
        try await settleAudit()
        var clauses: [String] = []
        var binds: [SQLValue] = []
        func add(_ clause: String, _ value: SQLValue) { clauses.append(clause); binds.append(value) }
        if !filter.actor.isEmpty { add("actor = ?", .text(filter.actor)) }
        if !filter.organization.isEmpty { add("org_id = ?", .text(filter.organization.uppercased())) }
        if !filter.action.isEmpty { add("action = ?", .text(filter.action)) }
        if !filter.object.isEmpty {
            let find = dialect == .sqlite ? "instr(objects, ?) > 0" : "strpos(objects, ?) > 0"
            add(find, .text(filter.object))
        }
        if !filter.from.isEmpty { add("at >= ?", .text(filter.from)) }
        if !filter.until.isEmpty { add("at < ?", .text(filter.until)) }
        if filter.before > 0 { add("seq < ?", .integer(filter.before)) }
        let condition = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try await connection.query("""
            SELECT seq, at, actor, org_id, action, objects, detail, previous_hash, hash FROM audit_log \(condition)
            ORDER BY seq DESC LIMIT \(max(0, limit))
            """, binds).map(Self.auditEntry)
    }

    /// The actions of the entries after `seq`, and the newest entry's sequence number: what a
    /// caller that already knows the actions up to `seq` reads to bring its list up to date (the
    /// log is append-only, so this is a range of its primary key, however long the log is).
    public func auditActions(after seq: Int64) async throws -> (actions: Set<String>, lastSeq: Int64) {
        try await settleAudit()
        let last = try await connection.query("SELECT MAX(seq) AS n FROM audit_log", []).first?["n"].integer ?? 0
        guard last > seq else { return ([], max(seq, last)) }
        let rows = try await connection.query("SELECT DISTINCT action FROM audit_log WHERE seq > ? AND seq <= ?",
                                              [.integer(seq), .integer(last)])
        return (Set(rows.compactMap { $0["action"].text }), last)
    }
}
