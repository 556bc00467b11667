import Foundation
import RastroTesting
import Testing

/// End-to-end: `rastro simulate` writes a world that `rastro ingest` loads whole, refuses to
/// overwrite a folder unless told, and never leaves a half-written one.
@Suite struct SimulateCommandTests {
    @Test func simulateThenIngestThenRefuseToOverwrite() async throws {
        let folder = try Fixtures.folder([:])
        let result = try await RastroProcess.run(["simulate", "--seed", "3", "--out", "world", "--json"], directory: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let files = try #require(summary["files"] as? [String: Int])
        #expect(files["consignments.csv"].map { (150...250).contains($0) } == true)
        #expect(FileManager.default.fileExists(atPath: folder + "/world/truth.json"))
        #expect(FileManager.default.fileExists(atPath: folder + "/world/scenario.md"))

        #expect(try await RastroProcess.run(["init", "--organization", "MX-FUSION", "--country", "MX"], directory: folder).status == 0)
        let ingest = try await RastroProcess.run(["ingest", "world", "--json"], directory: folder)
        #expect(ingest.status == 0, "\(ingest.stderr)")

        // A second run into the same folder needs --force; a folder of other files is never replaced.
        let again = try await RastroProcess.run(["simulate", "--seed", "4", "--out", "world"], directory: folder)
        #expect(again.status == 2 && again.stderr.contains("--force"))
        let forced = try await RastroProcess.run(["simulate", "--seed", "4", "--out", "world", "--force"], directory: folder)
        #expect(forced.status == 0, "\(forced.stderr)")
        let other = try Fixtures.folder(["notes.txt": "mine"])
        let refused = try await RastroProcess.run(["simulate", "--out", other, "--force"], directory: folder)
        #expect(refused.status == 2 && refused.stderr.contains("other files"))
        #expect(try String(contentsOfFile: other + "/notes.txt", encoding: .utf8) == "mine")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".partial-") }
        #expect(leftovers.isEmpty)
        let badScale = try await RastroProcess.run(["simulate", "--scale", "huge", "--out", "x"], directory: folder)
        #expect(badScale.status == 2)
    }
}
