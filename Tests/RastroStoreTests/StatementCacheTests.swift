@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// The connection keeps prepared statements and their column names between calls: a statement
/// runs again with new binds, a statement used inside a scan of itself gets a fresh copy, and a
/// schema change shows in the names of a cached `SELECT *`.
@Suite struct StatementCacheTests {
    @Test(arguments: TestBackend.all)
    func aCachedSelectStarFollowsASchemaChange(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let store = test.store
        try await store.executeForTests("CREATE TABLE cache_probe (id INTEGER PRIMARY KEY, name TEXT)")
        try await store.executeForTests("INSERT INTO cache_probe (id, name) VALUES (1, 'uno'), (2, 'dos')")
        let select = "SELECT * FROM cache_probe WHERE id = ?"
        let first = try await store.queryForTests(select, [.integer(1)])
        #expect(first.map(\.columns) == [["id", "name"]])
        #expect(first.first?["name"].text == "uno")
        #expect(try await store.queryForTests(select, [.integer(2)]).first?["name"].text == "dos")

        try await store.executeForTests("ALTER TABLE cache_probe ADD COLUMN country TEXT")
        try await store.executeForTests("UPDATE cache_probe SET country = 'MX'")
        let after = try await store.queryForTests(select, [.integer(2)])
        #expect(after.map(\.columns) == [["id", "name", "country"]])
        #expect(after.first?["country"].text == "MX")
    }

    @Test func textKeepsEveryByteSQLiteStored() async throws {
        let test = try await TestStore.make(.sqlite)
        defer { Task { await test.dispose() } }
        let text = "Lázaro Cárdenas\u{0}después"
        let rows = try await test.store.queryForTests("SELECT ? AS t, length(CAST(? AS BLOB)) AS n", [.text(text), .text(text)])
        #expect(rows.first?["t"].text == text)
        #expect(rows.first?["n"].integer == Int64(text.utf8.count))
    }
}
