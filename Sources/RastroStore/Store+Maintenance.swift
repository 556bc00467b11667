public import RastroModel

extension Store {
    /// Runs a statement outside any viewer, for test fixtures only (SPI `Testing`, so that no
    /// product code can reach it): never a read path.
    @_spi(Testing)
    public func executeForTests(_ sql: String) async throws {
        try await connection.execute(sql, [])
    }
}

extension Store {
    /// Runs a query outside any viewer, for tests and for the read benchmark's no-policy baseline
    /// only (SPI `Testing`): never a read path of the product.
    @_spi(Testing)
    public func queryForTests(_ sql: String, _ binds: [SQLValue] = []) async throws -> [SQLRow] {
        try await connection.query(sql, binds)
    }

    /// Decodes a row of a kind's table as the read paths do (SPI `Testing`).
    @_spi(Testing)
    public static func decodeForTests(_ kind: Kind, _ row: SQLRow) -> Record {
        record(kind, row)
    }

    /// A row of a version lookup (the record, its file's path and load), decoded as
    /// `versions(of:id:viewer:)` decodes it (SPI `Testing`).
    @_spi(Testing)
    public static func decodeVersionForTests(_ kind: Kind, _ row: SQLRow) -> StoredVersion {
        storedVersion(kind, row)
    }
}
