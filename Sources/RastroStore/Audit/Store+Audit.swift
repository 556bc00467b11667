extension Store {
    /// The newest audit entry, or nil when the log is empty.
    public func latestAuditEntry() async throws -> AuditEntry? {
        try await settleAudit()
        return try await connection.query("""
            SELECT seq, at, actor, org_id, action, objects, detail, previous_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1
            """, []).first.map(Self.auditEntry)
    }

    /// The audit entry numbered `seq`, if it is stored.
    public func auditEntry(_ seq: Int64) async throws -> AuditEntry? {
        try await settleAudit()
        return try await connection.query("""
            SELECT seq, at, actor, org_id, action, objects, detail, previous_hash, hash FROM audit_log WHERE seq = ?
            """, [.integer(seq)]).first.map(Self.auditEntry)
    }

    /// The newest `limit` audit entries, newest first, optionally only those of one actor.
    public func recentAuditEntries(limit: Int, actor: String? = nil) async throws -> [AuditEntry] {
        try await settleAudit()
        let filter = actor == nil ? "" : "WHERE actor = ?"
        let binds: [SQLValue] = (actor.map { [SQLValue.text($0)] } ?? []) + [.integer(Int64(max(0, limit)))]
        return try await connection.query("""
            SELECT seq, at, actor, org_id, action, objects, detail, previous_hash, hash FROM audit_log \(filter)
            ORDER BY seq DESC LIMIT ?
            """, binds).map(Self.auditEntry)
    }

    /// Every stored checkpoint, in `seq` order.
    public func auditCheckpoints() async throws -> [AuditCheckpoint] {
        try await connection.query("""
            SELECT seq, hash, at, node_org, public_key, signature FROM audit_checkpoints ORDER BY seq
            """, []).map(Self.auditCheckpoint)
    }

    /// The newest stored checkpoint, if any.
    public func latestAuditCheckpoint() async throws -> AuditCheckpoint? {
        try await connection.query("""
            SELECT seq, hash, at, node_org, public_key, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1
            """, []).first.map(Self.auditCheckpoint)
    }

    /// Stores a checkpoint; throws `conflict` when one already covers the same entry.
    public func addAuditCheckpoint(_ checkpoint: AuditCheckpoint) async throws {
        try await connection.execute("""
            INSERT INTO audit_checkpoints (seq, hash, at, node_org, public_key, signature) VALUES (?, ?, ?, ?, ?, ?)
            """, [.integer(checkpoint.seq), .text(checkpoint.hash), .text(checkpoint.at), .text(checkpoint.nodeOrganization),
                  .text(checkpoint.publicKey), .text(checkpoint.signature)])
    }

    /// The public key the node signs its checkpoints with (node setting `audit_public_key`), once
    /// one has been recorded.
    public func auditPublicKey() async throws -> String? {
        try await connection.query("SELECT value FROM node_settings WHERE key = 'audit_public_key'", []).first?["value"].text
    }

    /// Records `publicKey` as the node's audit key unless one is recorded already, and returns the
    /// recorded key (the earlier one when there was one: it is never replaced).
    public func recordAuditPublicKey(_ publicKey: String) async throws -> String {
        try await connection.execute("INSERT INTO node_settings (key, value) VALUES ('audit_public_key', ?) ON CONFLICT (key) DO NOTHING",
                                     [.text(publicKey)])
        return try await auditPublicKey() ?? publicKey
    }

    static func auditCheckpoint(_ row: SQLRow) -> AuditCheckpoint {
        AuditCheckpoint(seq: row["seq"].integer ?? 0, hash: row["hash"].text ?? "", at: row["at"].text ?? "",
                        nodeOrganization: row["node_org"].text ?? "", publicKey: row["public_key"].text ?? "",
                        signature: row["signature"].text ?? "")
    }
}
