import Foundation
import RastroTesting
import Testing

/// `--help` of every command, compared with the snapshots in `Snapshots/`. Set
/// `RASTRO_RECORD_SNAPSHOTS=1` to rewrite them after a deliberate change.
@Suite struct HelpTests {
    @Test(arguments: ["", "init", "ingest", "stats", "show", "simulate", "evaluate", "resolve", "resolve run", "resolve confirm",
                      "resolve split", "resolve revoke", "resolve decisions", "entity", "analyze", "findings", "alerts",
                      "trace", "demo", "audit", "audit verify", "audit checkpoint", "audit checkpoint create",
                      "audit checkpoint export", "audit log", "org", "user", "token", "lead", "export", "export stix",
                      "serve", "collection", "sync", "sync pull"])
    func helpMatchesItsSnapshot(_ command: String) async throws {
        let arguments = command.split(separator: " ").map(String.init) + ["--help"]
        let result = try await RastroProcess.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example"))
        let name = "help-\(command.isEmpty ? "rastro" : command.replacingOccurrences(of: " ", with: "-")).txt"
        let path = Fixtures.packageRoot + "/Tests/RastroCLITests/Snapshots/" + name
        if ProcessInfo.processInfo.environment["RASTRO_RECORD_SNAPSHOTS"] == "1" {
            try result.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let snapshot = try String(contentsOfFile: path, encoding: .utf8)
        #expect(result.stdout == snapshot)
    }
}
