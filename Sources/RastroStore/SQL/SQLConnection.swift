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
}
