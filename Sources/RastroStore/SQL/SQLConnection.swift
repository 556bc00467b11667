/// What the store needs of a database connection; one implementation per backend.
protocol SQLConnection: AnyObject, Sendable {
    var dialect: SQLDialect { get }
    /// Runs statements that return no rows (several may be separated by `;` when `binds` is empty).
    func execute(_ sql: String, _ binds: [SQLValue]) async throws
    /// Runs a query and returns all of its rows.
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
    func close() async
}

extension SQLConnection {
    func execute(_ sql: String) async throws { try await execute(sql, []) }

    /// Begins a write transaction, waiting for the write lock up to the busy timeout (or, with the
    /// configuration's `onWaitForWriter`, until it is free; `SQLiteDatabase.lockForWrite`). On
    /// PostgreSQL a plain `BEGIN`. On SQLite it takes the write lock of one file only, the one the
    /// transaction writes (see `SQLiteWriteFile`): `BEGIN IMMEDIATE` would take the lock of every
    /// attached file, so a load holding the database for minutes would also hold up every read
    /// whose audit entry must be committed before it is answered.
    func beginWrite(_ file: SQLiteWriteFile) async throws {
        if let database = self as? SQLiteDatabase { return try await database.lockForWriteOffThePool(file) }
        try await execute("BEGIN")
    }
}

/// The two files of an SQLite store, for `beginWrite`: the database, and its audit log
/// (`PATH-audit`, attached as schema `audit`, migration 0014). A write to the database commits its
/// audit entries into the database's outbox, so no transaction needs to write both files (the
/// migrations, which move the log, use `BEGIN IMMEDIATE`).
enum SQLiteWriteFile {
    case database
    case auditLog

    /// The first statement of the transaction: a write that changes nothing. SQLite takes a
    /// file's write lock at the first statement that writes to it, and as the transaction's first
    /// access to that file it waits through the busy handler like `BEGIN IMMEDIATE` does; later
    /// statements would risk `SQLITE_BUSY_SNAPSHOT` (a snapshot older than another process's
    /// commit) instead of waiting. A test checks that the lock is held and the other file free.
    var lockStatement: String {
        switch self {
        case .database: "DELETE FROM main.node_settings WHERE 0"
        case .auditLog: "DELETE FROM audit.audit_log WHERE 0"
        }
    }
}
