import RastroIngest
import RastroModel
import RastroStore
import RastroTesting
import Testing

/// The viewer predicate: who sees which marking, and that every read path carries it.
@Suite struct ViewerTests {
    /// One organization row per marking, originated by MX-SAT (Mexico).
    static let markedRows = """
        org_id,name,country,tlp,releasable_to,originator
        CLEAR,a,MX,clear,,MX-SAT
        GREEN,b,MX,green,,MX-SAT
        AMBER-NONE,c,MX,amber,,MX-SAT
        AMBER-US,d,MX,amber,US,MX-SAT
        AMBER-DEA,e,MX,amber,US-DEA,MX-SAT
        STRICT-US,f,MX,amber+strict,US,MX-SAT
        STRICT-DEA,g,MX,amber+strict,US-DEA,MX-SAT
        RED-DEA,h,MX,red,US-DEA,MX-SAT
        OWN-RED,i,MX,red,,US-DEA
        """

    static let cases: [(String, String, [String])] = [
        ("MX-SAT", "MX", ["AMBER-DEA", "AMBER-NONE", "AMBER-US", "CLEAR", "GREEN", "RED-DEA", "STRICT-DEA", "STRICT-US"]),
        ("US-DEA", "US", ["AMBER-DEA", "AMBER-US", "CLEAR", "GREEN", "OWN-RED", "STRICT-DEA"]),
        ("US-CBP", "US", ["AMBER-US", "CLEAR", "GREEN"]),
        ("MX-SEMAR", "MX", ["CLEAR", "GREEN"]),
        ("us-dea", "US", ["AMBER-DEA", "AMBER-US", "CLEAR", "GREEN", "STRICT-DEA"]),
    ]

    @Test(arguments: TestBackend.all)
    func eachViewerSeesExactlyWhatTheMarkingAdmits(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let file = try Fixtures.file("organizations.csv", Self.markedRows)
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([file])
        for (organization, country, expected) in Self.cases {
            let viewer = Viewer(organization: organization, country: country)
            let seen = try await test.store.currentRecords(.organizations, viewer: viewer).map(\.id).sorted()
            #expect(seen == expected, "viewer \(viewer)")
            #expect(try await test.store.count(.organizations, viewer: viewer) == expected.count)
            #expect(try await test.store.stats(viewer: viewer).reduce(0) { $0 + $1.records } == expected.count)
            for id in ["RED-DEA", "OWN-RED", "AMBER-NONE"] {
                let versions = try await test.store.versions(of: .organizations, id: id, viewer: viewer)
                #expect(versions.isEmpty == !expected.contains(id), "viewer \(viewer) on \(id)")
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func everyReadOfRecordsCarriesTheViewerPredicate(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions())
            .run([Fixtures.packageRoot + "/Examples/small"])
        test.statements.clear()
        let viewer = Viewer(organization: "US-CBP", country: "US")
        _ = try await test.store.stats(viewer: viewer)
        _ = try await test.store.count(.consignments, viewer: viewer)
        _ = try await test.store.versions(of: .consignments, id: "26-16-3420-6001102", viewer: viewer)
        for kind in Kind.allCases { _ = try await test.store.currentRecords(kind, viewer: viewer) }
        let reads = test.statements.all.filter { sql in
            Kind.allCases.contains { sql.contains(" \($0.table) ") || sql.contains(" \($0.table)\n") || sql.hasSuffix(" \($0.table)") }
        }
        #expect(reads.count >= Kind.allCases.count * 2 + 2)
        for sql in reads { #expect(sql.contains(AccessPolicy.marker), "read without the viewer predicate: \(sql)") }
    }
}
