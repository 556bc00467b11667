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

    /// The actions the audit log holds, for a filter's choices.
    public func auditActions() async throws -> [String] {
        try await connection.query("SELECT DISTINCT action FROM audit_log ORDER BY action", []).compactMap { $0["action"].text }
    }
}
