import Foundation
@testable import RastroStore
import RastroTesting
import Testing

/// Pages of a collection's latest versions read along the primary key or through the index: the
/// choice follows the share of older versions, and both give the same pages (SQLite; PostgreSQL
/// plans for itself).
@Suite struct TAXIIScanTests {
    /// `count` objects; every `republishEvery`-th gets `extraVersions` newer versions after the first load.
    static func collection(_ store: Store, _ id: String, count: Int, republishEvery: Int, extraVersions: Int, by node: Viewer) async throws {
        try await store.addTAXIICollection(TAXIICollection(collectionID: id, title: id, partnerOrg: "US-DEA", canWrite: false), by: node)
        func object(_ index: Int, _ version: Int) -> TAXIIObject {
            let objectID = "indicator--00000000-0000-4000-8000-\(String(format: "%012d", index))"
            let modified = String(format: "2026-01-%02dT00:00:00.000Z", version + 1)
            return TAXIIObject(id: objectID, version: modified, type: "indicator", specVersion: "2.1",
                               body: #"{"id":"\#(objectID)","modified":"\#(modified)","type":"indicator","n":\#(index)}"#)
        }
        _ = try await store.addTAXIIObjects((0..<count).map { object($0, 0) }, to: id)
        for version in 0..<extraVersions {
            _ = try await store.addTAXIIObjects(stride(from: 0, to: count, by: republishEvery).map { object($0, version + 1) }, to: id)
        }
    }

    /// Every page of the collection, 7 at a time, by both reads.
    static func pagesAgree(_ store: Store, _ id: String) async throws -> Int {
        var query = TAXIIQuery(collectionID: id, limit: 7)
        var pages = 0
        while true {
            let fast = try await store.taxiiObjectsJSON(query)
            let plain = try await store.taxiiObjects(query)
            #expect(fast.count == plain.objects.count)
            #expect(fast.more == plain.more)
            #expect(String(decoding: fast.json, as: UTF8.self) == plain.objects.map(\.body).joined(separator: ","))
            pages += 1
            guard fast.more else { break }
            query.after = fast.last
        }
        return pages
    }

    @Test func mostlyLatestCollectionsAreReadAlongTheKey() async throws {
        let test = try await TestStore.make(.sqlite)
        defer { Task { await test.dispose() } }
        let node = test.settings.viewer
        try await test.store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: node)
        // 40 objects, 10 of them republished once: 10 older versions against 40 latest.
        try await Self.collection(test.store, "few-versions", count: 40, republishEvery: 4, extraVersions: 1, by: node)
        // 30 objects, every one republished twice: 60 older versions against 30 latest.
        try await Self.collection(test.store, "many-versions", count: 30, republishEvery: 1, extraVersions: 2, by: node)
        let database = try #require(test.store.connection as? SQLiteDatabase)
        #expect(try test.store.taxiiLatestAlongKey(TAXIIQuery(collectionID: "few-versions", limit: 7), database))
        #expect(try !test.store.taxiiLatestAlongKey(TAXIIQuery(collectionID: "many-versions", limit: 7), database))
        // Filters other than the latest version keep the index.
        var typed = TAXIIQuery(collectionID: "few-versions", limit: 7)
        typed.types = ["indicator"]
        #expect(try !test.store.taxiiLatestAlongKey(typed, database))
        #expect(try await Self.pagesAgree(test.store, "few-versions") == 6)
        #expect(try await Self.pagesAgree(test.store, "many-versions") == 5)
        // The key's walk is what SQLite runs for the first collection.
        let plan = try await test.store.connection.query("EXPLAIN QUERY PLAN SELECT body FROM taxii_objects WHERE collection_id = 'few-versions' AND +is_latest = 1 ORDER BY added_us", [])
        #expect(plan.contains { ($0["detail"].text ?? "").contains("PRIMARY KEY") })
    }

    /// A `match[type]` page of latest versions is one range of `taxii_objects_type_bodies`
    /// (migration 0015), with no look-up in the table, and gives the same pages as the plain read,
    /// including objects long enough to have gone on to overflow pages with 4 KiB pages.
    @Test func pagesOfOneTypeAreReadFromOneIndex() async throws {
        let test = try await TestStore.make(.sqlite)
        defer { Task { await test.dispose() } }
        let node = test.settings.viewer
        try await test.store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: node)
        try await test.store.addTAXIICollection(TAXIICollection(collectionID: "mixed", title: "mixed", partnerOrg: "US-DEA", canWrite: false),
                                                by: node)
        // Three types interleaved, some bodies of 3,000 bytes; every fifth object republished.
        func object(_ index: Int, _ version: Int) -> TAXIIObject {
            let type = ["indicator", "relationship", "x-rastro-transfer"][index % 3]
            let objectID = "\(type)--00000000-0000-4000-8000-\(String(format: "%012d", index))"
            let modified = String(format: "2026-01-%02dT00:00:00.000Z", version + 1)
            let padding = String(repeating: "x", count: index % 4 == 0 ? 3_000 : 40)
            return TAXIIObject(id: objectID, version: modified, type: type, specVersion: "2.1",
                               body: #"{"id":"\#(objectID)","modified":"\#(modified)","type":"\#(type)","pad":"\#(padding)"}"#)
        }
        _ = try await test.store.addTAXIIObjects((0..<60).map { object($0, 0) }, to: "mixed")
        _ = try await test.store.addTAXIIObjects(stride(from: 0, to: 60, by: 5).map { object($0, 1) }, to: "mixed")

        for type in ["indicator", "relationship", "x-rastro-transfer"] {
            var query = TAXIIQuery(collectionID: "mixed", limit: 6)
            query.types = [type]
            var seen: [String] = []
            while true {
                let fast = try await test.store.taxiiObjectsJSON(query)
                let plain = try await test.store.taxiiObjects(query)
                #expect(fast.count == plain.objects.count)
                #expect(fast.more == plain.more)
                #expect(String(decoding: fast.json, as: UTF8.self) == plain.objects.map(\.body).joined(separator: ","))
                #expect(plain.objects.allSatisfy { $0.type == type })
                seen += plain.objects.map(\.id)
                guard fast.more else { break }
                query.after = fast.last
            }
            // Each object once, at its latest version.
            #expect(seen.count == 20)
            #expect(Set(seen).count == 20)
        }

        var typed = TAXIIQuery(collectionID: "mixed", addedAfter: 5, limit: 100)
        typed.types = ["relationship"]
        let database = try #require(test.store.connection as? SQLiteDatabase)
        let (sql, binds) = test.store.taxiiPageSQL(typed, latestAlongKey: try test.store.taxiiLatestAlongKey(typed, database))
        let plan = try await test.store.connection.query("EXPLAIN QUERY PLAN " + sql, binds).compactMap { $0["detail"].text }
        #expect(plan == ["SEARCH taxii_objects USING COVERING INDEX taxii_objects_type_bodies (collection_id=? AND object_type=? AND is_latest=? AND added_us>?)"])
    }

    /// A new SQLite store has 8 KiB pages, so that a STIX object of up to about 2,000 bytes stays
    /// in its b-tree page; the audit file beside it keeps SQLite's default.
    @Test func aNewStoreHasEightKilobytePages() async throws {
        let test = try await TestStore.make(.sqlite)
        defer { Task { await test.dispose() } }
        #expect(try await test.store.connection.query("PRAGMA main.page_size", []).first?["page_size"].integer == 8192)
        #expect(try await test.store.connection.query("PRAGMA audit.page_size", []).first?["page_size"].integer == 4096)
    }

    /// The page cache follows the configuration (the server's read connections keep 8 MiB each).
    @Test func theConfigurationSetsThePageCache() async throws {
        let test = try await TestStore.make(.sqlite)
        defer { Task { await test.dispose() } }
        #expect(try await test.store.connection.query("PRAGMA cache_size", []).first?["cache_size"].integer == -65_536)
        var configuration = StoreConfiguration()
        configuration.pageCacheKiB = 8 * 1024
        let small = try await Store.open(test.store.url, configuration: configuration)
        #expect(try await small.connection.query("PRAGMA cache_size", []).first?["cache_size"].integer == -8_192)
        await small.close()
    }
}
