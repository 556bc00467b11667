import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RastroTesting
import Testing

/// Interoperability with the OASIS TAXII 2.1 reference implementations, from the venv that
/// `scripts/interop/venv.sh` makes (`RASTRO_INTEROP_VENV`): the reference client (taxii2-client)
/// drives `rastro serve`, and `rastro sync pull` pulls everything from the reference server
/// (medallion) on loopback. Skipped without the venv, except in CI, where it fails.
@Suite(.serialized) struct TAXIIInteropTests {
    static let venv = ProcessInfo.processInfo.environment["RASTRO_INTEROP_VENV"]
    static let runs = venv != nil || ProcessInfo.processInfo.environment["CI"] != nil

    func rastro(_ arguments: [String], _ url: String, environment: [String: String] = [:]) async throws -> RastroProcess.Result {
        try await RastroProcess.run(arguments + ["--database", url], environment: environment)
    }

    func python(_ arguments: [String], timeout: Double = 300) async throws -> (status: Int32, output: String) {
        let venv = try #require(Self.venv, "RASTRO_INTEROP_VENV is not set: run scripts/interop/venv.sh (CI must provide it)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: venv + "/bin/python")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let handle = pipe.fileHandleForReading
        let data = try await offThePool { handle.readDataToEndOfFile() }
        await process.exited()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A node with a simulated world, a partner user with a password, a collection released to it
    /// and one it may write to.
    func node(_ folder: String) async throws -> (url: String, released: Int) {
        let url = "sqlite:" + folder + "/mx.db"
        #expect(try await rastro(["init", "--organization", "MX-FUSION", "--country", "MX"], url).status == 0)
        #expect(try await rastro(["ingest", Fixtures.packageRoot + "/Examples/small"], url).status == 0)
        #expect(try await rastro(["org", "add", "MX-FGR", "--country", "MX", "--name", "FGR"], url).status == 0)
        let user = try await RastroProcess.run(["user", "add", "fgr-node", "--org", "MX-FGR", "--role", "liaison", "--password-stdin",
                                          "--database", url], environment: [:], stdinText: "interop-password-0123\n")
        #expect(user.status == 0, "\(user.stderr)")
        #expect(try await rastro(["collection", "add", "fgr", "--for", "MX-FGR"], url).status == 0)
        #expect(try await rastro(["collection", "add", "fgr-inbox", "--for", "MX-FGR", "--write"], url).status == 0)
        let published = try await rastro(["collection", "publish", "fgr", "--json"], url)
        let counts = try JSONSerialization.jsonObject(with: Data(published.stdout.utf8)) as? [[String: Any]]
        let added = ((counts?.first?["counts"] as? [String: Any])?["added"] as? Int) ?? 0
        #expect(added > 100, "\(published.stdout) \(published.stderr)")
        return (url, added)
    }

    @Test(.enabled(if: runs, "needs RASTRO_INTEROP_VENV (scripts/interop/venv.sh)"))
    func theReferenceClientDrivesRastrosServer() async throws {
        let folder = try Fixtures.folder([:])
        let (url, released) = try await node(folder)
        let server = try await ServeProcess(url)
        defer { server.stop() }
        let check = try await python([Fixtures.packageRoot + "/scripts/interop/taxii_client_check.py", server.discovery, "fgr-node",
                                "interop-password-0123", "fgr", "fgr-inbox", String(released)])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("all checks passed"), "\(check.output)")
    }

    @Test(.enabled(if: runs, "needs RASTRO_INTEROP_VENV (scripts/interop/venv.sh)"))
    func rastroPullsEverythingFromMedallion() async throws {
        let folder = try Fixtures.folder([:])
        let (url, _) = try await node(folder)
        // medallion holds part of the node's STIX export in its memory backend: it re-sorts and
        // re-filters its whole collection on every page, so a few hundred objects, not thousands.
        let bundle = folder + "/export.json"
        #expect(try await rastro(["export", "stix", "--for", "MX-FGR", "--kind", "organizations", "--kind", "incidents", "--kind", "consignments",
                            "--output", bundle], url).status == 0)
        let exported = try #require((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle))) as? [String: Any])?["objects"]
            as? [Any]).count
        let port = try Self.loopbackPortOutsideTheEphemeralRange()
        let data = try await python([Fixtures.packageRoot + "/scripts/bench/medallion_data.py", bundle, String(exported), folder + "/medallion",
                               String(port), "91a7b528-80eb-42ed-a74d-c6fbd5a26116", "puller", "medallion-password"])
        #expect(data.status == 0, "\(data.output)")
        // medallion cannot serve the extension-definition (scripts/bench/medallion_data.py says why).
        let objects = try #require(data.output.split(whereSeparator: \.isWhitespace).last.flatMap { Int($0) }, "\(data.output)")
        #expect(objects == exported - 1)
        let venv = try #require(Self.venv)
        let medallion = Process()
        medallion.executableURL = URL(fileURLWithPath: venv + "/bin/medallion")
        medallion.arguments = ["--host", "127.0.0.1", "--port", String(port), "--log-level", "ERROR", folder + "/medallion/config.json"]
        medallion.standardOutput = FileHandle.nullDevice
        medallion.standardError = FileHandle.nullDevice
        try medallion.run()
        // medallion (Flask) ignores SIGTERM while its session thread runs.
        defer { kill(medallion.processIdentifier, SIGKILL); medallion.waitUntilExit() }

        let target = "sqlite:" + folder + "/fgr.db"
        #expect(try await rastro(["init", "--organization", "MX-FGR", "--country", "MX"], target).status == 0)
        let credentials = ["RASTRO_SYNC_USER": "puller", "RASTRO_SYNC_PASSWORD": "medallion-password"]
        var result: RastroProcess.Result?
        for _ in 0..<50 {   // medallion takes a moment to listen
            // If medallion could not listen, whatever holds the port would answer instead.
            try #require(medallion.isRunning, "medallion exited before it answered: is port \(port) taken?")
            let attempt = try await rastro(["sync", "pull", "--from", "http://127.0.0.1:\(port)/taxii2/", "--collection",
                                 "91a7b528-80eb-42ed-a74d-c6fbd5a26116", "--page-size", "100", "--attempts", "1", "--json"], target,
                                environment: credentials)
            result = attempt
            if attempt.status == 0 || !attempt.stderr.contains("not reachable") { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        let pull = try #require(result)
        try #require(pull.status == 0, "\(pull.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(pull.stdout.utf8)) as? [String: Any])
        #expect(objects > 100 && objects < 2_000)
        #expect(report["objects"] as? Int == objects, "every object of medallion's collection: \(report)")
        #expect((report["pages"] as? Int ?? 0) >= objects / 100)
        // The same records as the source holds for that partner; a second pull changes nothing.
        let source = recordCounts(try await rastro(["stats", "--json", "--as", "MX-FGR"], url).stdout)
            .filter { ["organizations", "incidents", "consignments"].contains($0.key) }
        let pulled = try await rastro(["stats", "--json"], target).stdout
        #expect(!source.isEmpty && source == recordCounts(pulled), "\(source)\n\(pulled)")
        let again = try await rastro(["sync", "pull", "--from", "http://127.0.0.1:\(port)/taxii2/", "--collection",
                                "91a7b528-80eb-42ed-a74d-c6fbd5a26116", "--page-size", "100", "--json"], target, environment: credentials)
        #expect((try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])?["loaded"] as? Int == 0, "\(again.stdout)")
        #expect(try await rastro(["stats", "--json"], target).stdout == pulled)
    }

    /// A loopback TCP port that is free now and below the kernel's ephemeral range, so that no
    /// `rastro serve --listen 127.0.0.1:0` of a test running in parallel (nor an outgoing
    /// connection) can be given it before medallion binds it.
    static func loopbackPortOutsideTheEphemeralRange() throws -> Int {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).compactMap { Int($0) } ?? []
        let ephemeralLow = range.first ?? 32_768
        let low = 10_000, high = max(low + 1_000, ephemeralLow)
        for _ in 0..<100 {
            let port = Int.random(in: low..<high)
            if ephemeralLow > low && port >= ephemeralLow { continue }
            let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socketDescriptor >= 0 else { continue }
            defer { close(socketDescriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0 { return port }
        }
        throw CocoaError(.featureUnsupported, userInfo: [NSDebugDescriptionErrorKey: "no free loopback port below \(ephemeralLow)"])
    }

    /// Records per kind in `rastro stats --json`.
    func recordCounts(_ json: String) -> [String: Int] {
        guard let rows = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else { return [:] }
        var counts: [String: Int] = [:]
        for row in rows {
            if let kind = row["kind"] as? String { counts[kind, default: 0] += row["records"] as? Int ?? 0 }
        }
        return counts
    }
}
