extension Store {
    /// Runs a statement outside any viewer: for test fixtures and maintenance tools only; never
    /// used by a read path.
    public func executeForTests(_ sql: String) async throws {
        try await connection.execute(sql, [])
    }
}
