@_spi(Testing) public import RastroStore

extension Store {
    /// Removes a test's PostgreSQL schema. Only for tests.
    public func dropSchemaForTests(_ schema: String) async throws {
        precondition(schema.hasPrefix("t_"), "only test schemas may be dropped")
        try await executeForTests("DROP SCHEMA IF EXISTS \(schema) CASCADE")
    }
}
