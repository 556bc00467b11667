import Foundation
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// End-to-end: `rastro audit` on a node that ingested the example, then had its log tampered with.
@Suite struct AuditCommandTests {
    @Test(arguments: TestBackend.all)
    func verifyFindsTamperingAndACheckpointFileFindsTruncation(_ backend: TestBackend) async throws {
        let url = backend.freshURL()
        let folder = try Fixtures.folder([:])
        let key = ["RASTRO_SIGNING_KEY": folder + "/node.key"]
        func rastro(_ arguments: [String]) async throws -> RastroProcess.Result {
            try await RastroProcess.run(arguments + ["--database", url], environment: backend == .postgres ? key : [:], directory: folder)
        }
        #expect(try await rastro(["init", "--organization", "MX-SAT"]).status == 0)
        let ingest = try await rastro(["ingest", Fixtures.packageRoot + "/Examples/small"])
        #expect(ingest.status == 0 && !ingest.stderr.contains("no checkpoint"), "\(ingest.stderr)")
        let verify = try await rastro(["audit", "verify"])
        #expect(verify.status == 0 && verify.stdout.contains("audit log intact: 2 entries, 1 checkpoints checked"), "\(verify.stdout)\(verify.stderr)")
        #expect(try await rastro(["audit", "checkpoint"]).stdout.contains("nothing to sign"))
        let log = try await rastro(["audit", "log", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        #expect(entries.first?["action"] as? String == "load" && entries.first?["actor"] as? String == "MX-SAT")
        let export = try await rastro(["audit", "checkpoint", "export", "--output", folder + "/checkpoints.json"])
        #expect(export.status == 0, "\(export.stderr)")
        let exported = try String(contentsOfFile: folder + "/checkpoints.json", encoding: .utf8)
        #expect(exported.contains("\"publicKey\"") && !exported.contains("consignments"), "no audit content in the file")

        let store = try await Store.open(try DatabaseURL(parsing: url))
        try await store.executeForTests("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 2")
        let edited = try await rastro(["audit", "verify"])
        #expect(edited.status == 1)
        #expect(edited.stderr.contains("audit log: entry 2: edited (its hash does not match its content)"), "\(edited.stderr)")
        let json = try await rastro(["audit", "verify", "--json"])
        #expect(json.status == 1 && json.stdout.contains("\"kind\" : \"edited\""))

        try await store.executeForTests("DELETE FROM audit_checkpoints")
        try await store.executeForTests("DELETE FROM audit_log")
        #expect(try await rastro(["audit", "verify"]).status == 0, "an emptied log with no checkpoints is consistent in itself")
        let truncated = try await rastro(["audit", "verify", "--checkpoint", folder + "/checkpoints.json"])
        #expect(truncated.status == 1)
        #expect(truncated.stderr.contains("audit log: entry 1: missing (the log is empty, but the file's checkpoint covers entries up to 2: truncated)"), "\(truncated.stderr)")
        if case .postgres(let postgres) = store.url { try? await store.dropSchemaForTests(postgres.schema) }
        await store.close()
    }
}
