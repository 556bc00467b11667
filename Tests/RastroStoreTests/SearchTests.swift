import RastroIngest
import RastroModel
import RastroStore
import RastroTesting
import Testing

/// `Store.search` against a reference computed from the words given to each record and what each
/// viewer may see: the page, its order and the count (up to the limit), for queries that take the
/// path in id order (one set of words) and the one that intersects sets, with pages and counts
/// past a window of ids and past the count limit.
@Suite struct SearchTests {
    static let records = 1_300

    /// Record i: id C-0000i, RED of the node for every seventh (US-DEA may not see it), AMBER
    /// released to US-DEA otherwise; a word `common` for most, `rare` for a few, `odd` or `even`.
    static func words(_ index: Int) -> [String] {
        var out = [index % 2 == 0 ? "even" : "odd"]
        if index % 10 != 3 { out.append("common") }
        if index % 97 == 0 { out.append("rare") }
        return out
    }

    static func id(_ index: Int) -> String { "C-" + String(100_000 + index) }

    @Test(arguments: TestBackend.all)
    func pagesAndCountsMatchTheReference(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend, organization: "MX-FUSION", country: "MX")
        defer { Task { await test.dispose() } }
        try await test.store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: test.settings.viewer)
        var csv = "consignment_id,arrival_date,port_locode,chemical_cas,quantity_kg,importer_name,originator,tlp,releasable_to\n"
        for index in 0..<Self.records {
            let red = index % 7 == 0
            csv += "\(Self.id(index)),2026-03-02,MXZLO,41661-47-6,10,Importadora \(index),MX-FUSION,\(red ? "red" : "amber"),\(red ? "" : "US-DEA")\n"
        }
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions())
            .run([try Fixtures.file("consignments.csv", csv)])
        try await test.store.replaceSearchWords("consignments", afterFile: nil,
                                                words: (0..<Self.records).flatMap { index in Self.words(index).map { ($0, Self.id(index)) } })

        let node = test.settings.viewer, liaison = Viewer(organization: "US-DEA", country: "US")
        let queries: [(SearchQuery, (Int) -> Bool)] = [
            (SearchQuery(id: "zzz", allOf: [["common"]]), { Self.words($0).contains("common") }),
            (SearchQuery(id: Self.id(3), allOf: [["rare", "nothing"]]), { $0 == 3 || Self.words($0).contains("rare") }),
            (SearchQuery(id: "zzz", anyWord: ["rare"], allOf: [["odd"]]), { Self.words($0).contains("rare") || $0 % 2 == 1 }),
            (SearchQuery(id: Self.id(14)), { $0 == 14 }),
            (SearchQuery(id: "zzz", allOf: [["common"], ["even"]]), { Self.words($0).contains("common") && $0 % 2 == 0 }),
        ]
        for viewer in [node, liaison] {
            for (query, matches) in queries {
                let expected = (0..<Self.records).filter { matches($0) && (viewer == node || $0 % 7 != 0) }.map(Self.id)
                for (limit, offset) in [(10, 0), (50, 0), (50, 450), (10, 1_150), (10, 5_000)] {
                    let found = try await test.store.search(.consignments, query, viewer: viewer, limit: limit, offset: offset, countLimit: 1_001)
                    let label = "\(viewer.organization) \(query) limit \(limit) offset \(offset)"
                    #expect(found.records.map(\.id) == Array(expected.dropFirst(offset).prefix(limit)), "\(label)")
                    #expect(found.total == min(expected.count, 1_001), "\(label)")
                }
                // Sorted by name the other way of reading gives the same matches.
                let byName = try await test.store.search(.consignments, query, viewer: viewer, sort: "name", limit: 2_000, countLimit: 2_000)
                #expect(byName.records.map(\.id).sorted() == expected && byName.total == expected.count, "\(viewer.organization) \(query) by name")
            }
        }
    }
}
