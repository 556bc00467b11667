import Foundation

/// Applies the SQL files of `Migrations/` in name order, once each, recorded in `schema_migrations`.
struct Migrator {
    struct Migration {
        var version: Int
        var name: String
        var sql: String
        /// The only backend the migration's SQL runs on (a file named `NNNN_name.sqlite.sql`); the
        /// others record it as applied without running anything, so that versions stay aligned.
        var dialect: SQLDialect?
    }

    static func migrations() throws -> [Migration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw StoreError(.migration, "the Migrations resource folder is missing")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        return try files.map { name in
            guard let version = Int(name.prefix { $0.isNumber }) else {
                throw StoreError(.migration, "migration file \(name) does not start with its number")
            }
            return Migration(version: version, name: name,
                             sql: try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8),
                             dialect: name.hasSuffix(".sqlite.sql") ? .sqlite : name.hasSuffix(".postgres.sql") ? .postgres : nil)
        }
    }

    /// Splits a migration into statements at `;` line ends (migrations keep `;` out of literals).
    static func statements(_ sql: String) -> [String] {
        let withoutComments = sql.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }.joined(separator: "\n")
        return withoutComments.components(separatedBy: ";")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Uncomments the `/*sqlite: …*/` or `/*postgres: …*/` clauses of the dialect and drops the
    /// other's (an expression written differently by each).
    static func adapt(_ statement: String, to dialect: SQLDialect) -> String {
        let (own, other) = dialect == .sqlite ? ("sqlite", "postgres") : ("postgres", "sqlite")
        return statement.replacingOccurrences(of: #"/\*"# + other + #":\s*(.*?)\*/"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"/\*"# + own + #":\s*(.*?)\*/"#, with: "$1", options: .regularExpression)
    }

    /// Migration 0014's first step (SQLite): copies the audit log and its checkpoints, unchanged,
    /// into the attached audit file, in a transaction that writes that file alone. Run again after
    /// a crash, it finds the copy done; an audit file that holds other entries than the database's
    /// own log (a stray file from another store) stops the migration.
    static func moveAuditLog(_ connection: any SQLConnection) async throws {
        try await connection.execute("BEGIN IMMEDIATE")
        do {
            for statement in [
                """
                CREATE TABLE IF NOT EXISTS audit.audit_log (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
                    org_id TEXT NOT NULL, action TEXT NOT NULL, objects TEXT NOT NULL, detail TEXT NOT NULL,
                    previous_hash TEXT NOT NULL, hash TEXT NOT NULL)
                """,
                """
                CREATE TABLE IF NOT EXISTS audit.audit_checkpoints (seq BIGINT PRIMARY KEY, hash TEXT NOT NULL, at TEXT NOT NULL,
                    node_org TEXT NOT NULL, public_key TEXT NOT NULL, signature TEXT NOT NULL)
                """,
                // The newest outbox row already in the chain (AuditChain.appendChained).
                "CREATE TABLE IF NOT EXISTS audit.audit_outbox_mark (id INTEGER NOT NULL)",
                "INSERT INTO audit.audit_outbox_mark (id) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM audit.audit_outbox_mark)",
            ] { try await connection.execute(statement) }
            let foreign = try await connection.query("""
                SELECT COUNT(*) AS n FROM audit.audit_log a LEFT JOIN main.audit_log m ON m.seq = a.seq AND m.hash = a.hash
                WHERE m.seq IS NULL
                """, []).first?["n"].integer ?? 0
            guard foreign == 0 else {
                throw StoreError(.migration, "the audit file beside the database holds \(foreign) entries that are not in its log; "
                                 + "move that file away and run `rastro init` again")
            }
            try await connection.execute("""
                INSERT OR IGNORE INTO audit.audit_log (seq, at, actor, org_id, action, objects, detail, previous_hash, hash)
                SELECT seq, at, actor, org_id, action, objects, detail, previous_hash, hash FROM main.audit_log ORDER BY seq
                """)
            try await connection.execute("""
                INSERT OR IGNORE INTO audit.audit_checkpoints (seq, hash, at, node_org, public_key, signature)
                SELECT seq, hash, at, node_org, public_key, signature FROM main.audit_checkpoints ORDER BY seq
                """)
            try await connection.execute("COMMIT")
        } catch {
            try? await connection.execute("ROLLBACK")
            throw error
        }
    }

    static func migrate(_ connection: any SQLConnection) async throws {
        try await connection.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        let applied = Set(try await connection.query("SELECT version FROM schema_migrations", []).compactMap { $0["version"].integer })
        let known = try migrations()
        if let newest = applied.max(), newest > Int64(known.map(\.version).max() ?? 0) {
            throw StoreError(.migration, "the database schema (\(newest)) is newer than this rastro; upgrade rastro")
        }
        for migration in known where !applied.contains(Int64(migration.version)) {
            if migration.version == 14, connection.dialect == .sqlite { try await moveAuditLog(connection) }
            try await connection.execute("BEGIN")
            do {
                for statement in statements(migration.sql) where migration.dialect.map({ $0 == connection.dialect }) ?? true {
                    try await connection.execute(adapt(statement, to: connection.dialect))
                }
                try await connection.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                                             [.integer(Int64(migration.version)), .text(migration.name)])
                try await connection.execute("COMMIT")
            } catch {
                try? await connection.execute("ROLLBACK")
                throw error
            }
        }
    }
}
