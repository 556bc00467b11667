import Foundation
import RastroTesting
import Testing

/// End-to-end: the built `rastro` binary on fixture files, on both backends.
@Suite struct IngestCommandTests {
    func initialized(_ backend: TestBackend) async throws -> (url: String, folder: String) {
        let url = backend.freshURL()
        let folder = try Fixtures.folder([:])
        let result = try await RastroProcess.run(["init", "--database", url, "--organization", "MX-SAT", "--country", "MX"], directory: folder)
        #expect(result.status == 0, "\(result.stderr)")
        return (url, folder)
    }

    func statsJSON(_ url: String, _ extra: [String] = []) async throws -> [[String: Any]] {
        let result = try await RastroProcess.run(["stats", "--database", url, "--json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    }

    func total(_ stats: [[String: Any]], kind: String, field: String = "records") -> Int {
        stats.filter { $0["kind"] as? String == kind }.reduce(0) { $0 + ($1[field] as? Int ?? 0) }
    }

    @Test(arguments: TestBackend.all)
    func theReadmeJobLoadsTheExampleAndStatsCountIt(_ backend: TestBackend) async throws {
        let (url, _) = try await initialized(backend)
        let ingest = try await RastroProcess.run(["ingest", "--database", url, Fixtures.packageRoot + "/Examples/small", "--json"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(ingest.stdout.utf8)) as? [String: Any])
        #expect(summary["allLoaded"] as? Bool == true)
        let stats = try await statsJSON(url)
        #expect(total(stats, kind: "track_points") == 281)
        #expect(total(stats, kind: "consignments") == 31)
        // A US liaison sees only what was released to the US.
        let us = try await statsJSON(url, ["--as", "US-CBP", "--as-country", "US"])
        #expect(total(us, kind: "track_points") == 0)
        #expect(total(us, kind: "transfers") < total(stats, kind: "transfers"))
        let show = try await RastroProcess.run(["show", "--database", url, "consignments", "26-16-3420-6001102", "--json"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("\"sourceFile\"") && show.stdout.contains("consignments.csv"))
        let hidden = try await RastroProcess.run(["show", "--database", url, "consignments", "26-16-3420-6001102", "--as", "US-CBP", "--as-country", "US"])
        #expect(hidden.status == 1 && hidden.stderr.contains("no consignments record"))
    }

    @Test(arguments: TestBackend.all)
    func badRowsExitOneWithFileLineColumnReason(_ backend: TestBackend) async throws {
        let (url, _) = try await initialized(backend)
        let file = try Fixtures.file("transfers.csv", """
            transfer_id,date,chemical_cas,quantity_kg,from_name,to_name
            T-1,2026-03-02,108-24-7,10,A,B
            T-2,2026-03-02,108-24-7,-3,A,B
            """)
        let result = try await RastroProcess.run(["ingest", "--database", url, file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file):3: quantity_kg: negative quantity"))
        #expect(result.stderr.contains("rejected, nothing of it was written"))
        #expect(total(try await statsJSON(url), kind: "transfers") == 0)
    }

    @Test func usageErrorsExitTwo() async throws {
        let folder = try Fixtures.folder([:])
        #expect(try await RastroProcess.run(["ingest", "--kind", "ships", "x.csv"], directory: folder).status == 2)
        #expect(try await RastroProcess.run(["ingest", "--database", "sqlite:\(folder)/none.db", "missing.csv"], directory: folder).status == 2)
        #expect(try await RastroProcess.run(["bogus"], directory: folder).status == 2)
        let uninitialized = try await RastroProcess.run(["stats", "--database", "sqlite:\(folder)/new.db"], directory: folder)
        #expect(uninitialized.status == 2 && uninitialized.stderr.contains("rastro init"))
        #expect(try await RastroProcess.run(["init", "--country", "Mexico"], directory: folder).status == 2)
    }

    @Test(arguments: TestBackend.all)
    func garbageNeverCrashes(_ backend: TestBackend) async throws {
        let (url, folder) = try await initialized(backend)
        let huge = folder + "/track_points.csv"
        // A 100 MB single line: refused after the first MiB, with a reason.
        FileManager.default.createFile(atPath: huge, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: huge))
        let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<100 { handle.write(block) }
        try handle.close()
        var random = SystemRandomNumberGenerator()
        let binary = try Fixtures.file("consignments.csv", bytes: (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &random) })
        let empty = try Fixtures.file("legs.csv", "")
        let headerOnly = try Fixtures.file("incidents.csv", "incident_id,date,kind\n")
        let notJSON = try Fixtures.file("observations.ndjson", "PK\u{3}\u{4} zip?\n")
        for (path, reason) in [(huge, "longer than 1048576 bytes"), (binary, "not a CSV"), (empty, "empty file"),
                               (headerOnly, "no records"), (notJSON, "not NDJSON")] {
            let result = try await RastroProcess.run(["ingest", "--database", url, path])
            #expect(!result.crashed)
            #expect(result.status == 1, "\(path): \(result.stderr)")
            #expect(result.stderr.contains(reason), "\(path): \(result.stderr)")
        }
        let stats = try await statsJSON(url)
        #expect(stats.reduce(0) { $0 + ($1["versions"] as? Int ?? 0) } == 0)
    }
}
