extension Store {
    /// Runs a statement outside any viewer, for test fixtures only (SPI `Testing`, so that no
    /// product code can reach it): never a read path.
    @_spi(Testing)
    public func executeForTests(_ sql: String) async throws {
        try await connection.execute(sql, [])
    }
}
