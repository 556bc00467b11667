import Foundation
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// A `rastro serve` process on a free loopback port; its discovery URL is read from its output.
final class ServeProcess {
    let process: Process
    let discovery: String
    let folder: String

    init(_ url: String, extra: [String] = [], environment: [String: String] = [:]) async throws {
        folder = try Fixtures.folder([:])
        let out = folder + "/serve.out"
        FileManager.default.createFile(atPath: out, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process = try RastroProcess.start(["serve", "--database", url, "--listen", "127.0.0.1:0"] + extra, environment: environment,
                                          stdout: handle, stderr: handle)
        var found = ""
        for _ in 0..<300 {
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            if let range = text.range(of: "discovery at ") {
                found = String(text[range.upperBound...].prefix { !$0.isWhitespace })
                break
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        discovery = found
        if found.isEmpty {
            process.terminate()
            throw ServeFailure(output: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
        }
    }

    struct ServeFailure: Error, CustomStringConvertible {
        var output: String
        var description: String { "rastro serve did not start: \(output)" }
    }

    /// Interrupts the server and waits for it (briefly: it closes its connections and exits; a
    /// `defer` cannot wait without blocking).
    func stop() {
        process.interrupt()
        process.waitUntilExit()
    }
}

/// A self-signed certificate for 127.0.0.1 (the node's), made with openssl.
func makeCertificate(in folder: String) async throws -> (cert: String, key: String) {
    let cert = folder + "/node.pem", key = folder + "/node.key.pem"
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    openssl.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                         "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE"]
    openssl.standardOutput = FileHandle.nullDevice
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    await openssl.exited()
    guard openssl.terminationStatus == 0 else { throw ServeProcess.ServeFailure(output: "openssl failed") }
    return (cert, key)
}

/// Federation end to end: two nodes (Mexico, United States), each with its own store, over TAXII
/// on loopback with TLS. Mexico releases AMBER data and a lead to the US collection; the US pulls
/// it; RED and non-releasable records never reach the US node; the US unit's outcome flows back;
/// pulling again changes nothing; both audits verify, and each node's checkpoints, kept by the
/// other, still verify.
@Suite(.serialized) struct FederationTests {
    func rastro(_ arguments: [String], _ url: String, as who: String? = nil, environment: [String: String] = [:]) async throws -> RastroProcess.Result {
        var full = arguments + ["--database", url]
        if let who { full += ["--as", who] }
        return try await RastroProcess.run(full, environment: environment)
    }

    func ok(_ result: RastroProcess.Result, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 0, "\(what): \(result.stderr) \(result.stdout)", sourceLocation: sourceLocation)
    }

    func json(_ result: RastroProcess.Result) throws -> Any {
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    func token(_ url: String, user: String) async throws -> String {
        let created = try await rastro(["token", "create", "--user", user], url)
        let token = created.stdout.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("rst_") }
        return try #require(token.map(String.init), "\(created.stdout) \(created.stderr)")
    }

    @Test(arguments: TestBackend.all)
    func mexicoAndTheUnitedStates(_ backend: TestBackend) async throws {
        let mx = backend.freshURL(), us = TestBackend.sqlite.freshURL()
        let folder = try Fixtures.folder([:])
        let keyOption = ["--signing-key", folder + "/mx.key"]
        let usKey = ["--signing-key", folder + "/us.key"]
        let tls = try await makeCertificate(in: folder)

        // Mexico: its data, a RED report and an AMBER record kept in Mexico, analysis, a partner.
        ok(try await rastro(["init", "--organization", "MX-SAT", "--country", "MX"], mx), "init mx")
        ok(try await rastro(["ingest", Fixtures.packageRoot + "/Examples/small"] + keyOption, mx), "ingest")
        let planted = try Fixtures.file("incidents.csv", """
            incident_id,date,kind,entity_names,description,tlp,releasable_to,originator
            INC-RED-1,2026-08-01,suspicious_order,Quim. del Pacifico,informant: orders for a third party,red,US-DEA,MX-SAT
            INC-MX-ONLY,2026-08-02,suspicious_order,Quim. del Pacifico,kept in Mexico,amber,MX,MX-SAT
            INC-FOR-US,2026-08-03,seizure,Quim. del Pacifico,released to the DEA,amber,US-DEA,MX-SAT
            """)
        ok(try await rastro(["ingest", planted] + keyOption, mx), "ingest planted")
        ok(try await rastro(["analyze", "--json"] + keyOption, mx), "analyze")
        ok(try await rastro(["org", "add", "US-DEA", "--country", "US", "--name", "DEA"], mx), "org add")
        ok(try await rastro(["user", "add", "ana", "--org", "MX-SAT", "--role", "analyst", "--no-password"], mx), "user ana")
        ok(try await rastro(["user", "add", "us-node", "--org", "US-DEA", "--role", "liaison", "--no-password"], mx), "user us-node")
        let usToken = try await token(mx, user: "us-node")
        ok(try await rastro(["collection", "add", "us-dea", "--for", "US-DEA"], mx), "collection add")

        // A lead on the top consignment alert the US may see, sent to the DEA.
        let alerts = try #require(try json(try await rastro(["alerts", "--json"], mx, as: "ana")) as? [[String: Any]])
        let consignment = try #require(alerts.first { $0["kind"] as? String == "consignments" }?["id"] as? String)
        let created = try #require(try json(try await rastro(["lead", "create", "--consignment", consignment, "--title", "Mislabelled precursor",
                                                        "--summary", "Please check the buyer", "--json"], mx, as: "ana")) as? [String: Any])
        let lead = try #require(created["leadID"] as? String)
        ok(try await rastro(["lead", "send", lead, "--to", "US-DEA"], mx, as: "ana"), "lead send")
        let published = try await rastro(["collection", "publish", "--json"], mx)
        ok(published, "publish")

        // The United States: its own node, with Mexico as a partner.
        ok(try await rastro(["init", "--organization", "US-DEA", "--country", "US"], us), "init us")
        ok(try await rastro(["org", "add", "MX-SAT", "--country", "MX", "--name", "SAT"], us), "org add mx")
        ok(try await rastro(["user", "add", "joe", "--org", "US-DEA", "--role", "analyst", "--no-password"], us), "user joe")
        ok(try await rastro(["user", "add", "mx-node", "--org", "MX-SAT", "--role", "liaison", "--no-password"], us), "user mx-node")
        let mxToken = try await token(us, user: "mx-node")
        ok(try await rastro(["collection", "add", "mx-sat", "--for", "MX-SAT", "--rule", "leads"], us), "collection add us")

        let mxServer = try await ServeProcess(mx, extra: ["--tls-cert", tls.cert, "--tls-key", tls.key])
        defer { mxServer.stop() }
        #expect(mxServer.discovery.hasPrefix("https://127.0.0.1:"))

        // Without the node's CA the pull refuses the connection; without a token, it is refused.
        let untrusted = try await rastro(["sync", "pull", "--from", mxServer.discovery, "--collection", "us-dea", "--attempts", "1"], us,
                                   environment: ["RASTRO_SYNC_TOKEN": usToken])
        #expect(untrusted.status != 0 && untrusted.stderr.contains("TLS"), "\(untrusted.stderr)")
        let anonymous = try await rastro(["sync", "pull", "--from", mxServer.discovery, "--collection", "us-dea", "--ca-file", tls.cert], us)
        #expect(anonymous.status != 0 && anonymous.stderr.contains("401"), "\(anonymous.stderr)")

        let pull = ["sync", "pull", "--from", mxServer.discovery, "--collection", "us-dea", "--ca-file", tls.cert, "--page-size", "50",
                    "--json"]
        let first = try #require(try json(try await rastro(pull, us, environment: ["RASTRO_SYNC_TOKEN": usToken])) as? [String: Any])
        #expect((first["loaded"] as? Int ?? 0) > 0, "\(first)")
        let statsAfterFirst = try await rastro(["stats", "--json"], us).stdout

        // What reached the US: AMBER data released to it and the lead; never the RED report or
        // the record kept in Mexico, by any path.
        ok(try await rastro(["show", "incidents", "INC-FOR-US"], us), "released incident")
        for hidden in ["INC-RED-1", "INC-MX-ONLY"] {
            let shown = try await rastro(["show", "incidents", hidden], us)
            #expect(shown.status == 1, "\(hidden) reached the US node")
        }
        let leads = try #require(try json(try await rastro(["lead", "list", "--json"], us, as: "joe")) as? [[String: Any]])
        #expect(leads.contains { $0["lead"] as? String == lead && $0["direction"] as? String == "received" && $0["other"] as? String == "MX-SAT" },
                "\(leads)")
        let served = try await rastro(["export", "stix", "--for", "US-DEA"], mx).stdout
        #expect(served.contains("INC-FOR-US") && !served.contains("INC-RED-1") && !served.contains("INC-MX-ONLY")
                && !served.contains("informant"))

        // Pulling again brings nothing new and doubles nothing.
        let second = try #require(try json(try await rastro(pull, us, environment: ["RASTRO_SYNC_TOKEN": usToken])) as? [String: Any])
        #expect(second["loaded"] as? Int == 0, "\(second)")
        #expect(try await rastro(["stats", "--json"], us).stdout == statsAfterFirst)

        // The US unit works the lead; its outcome flows back to Mexico.
        ok(try await rastro(["lead", "ack", lead], us, as: "joe"), "ack")
        ok(try await rastro(["lead", "decide", lead, "accept", "--reason", "in our area"], us, as: "joe"), "accept")
        ok(try await rastro(["lead", "outcome", lead, "seizure", "--note", "120 kg"], us, as: "joe"), "outcome")
        ok(try await rastro(["collection", "publish"], us), "publish us")
        let usServer = try await ServeProcess(us)
        defer { usServer.stop() }
        let back = try #require(try json(try await rastro(["sync", "pull", "--from", usServer.discovery, "--collection", "mx-sat", "--json"], mx,
                                                    environment: ["RASTRO_SYNC_TOKEN": mxToken])) as? [String: Any])
        #expect(back["objects"] as? Int ?? 0 > 0)
        let shown = try #require(try json(try await rastro(["lead", "show", lead, "--json"], mx, as: "ana")) as? [String: Any])
        #expect((shown["lead"] as? [String: Any])?["outcome"] as? String == "seizure", "\(shown)")

        // Both audits verify; each node's exported checkpoints, kept by the other, verify too.
        for (url, key, name) in [(mx, keyOption, "mx"), (us, usKey, "us")] {
            ok(try await rastro(["audit", "checkpoint"] + key, url), "checkpoint \(name)")
            ok(try await rastro(["audit", "checkpoint", "export", "--output", folder + "/\(name)-checkpoints.json"] + key, url), "export \(name)")
        }
        // More activity after the export, then verification against the partner's copy.
        ok(try await rastro(["sync", "pull", "--from", usServer.discovery, "--collection", "mx-sat"], mx,
                      environment: ["RASTRO_SYNC_TOKEN": mxToken]), "pull again")
        for (url, key, name) in [(mx, keyOption, "mx"), (us, usKey, "us")] {
            let verify = try await rastro(["audit", "verify", "--checkpoint", folder + "/\(name)-checkpoints.json"] + key, url)
            #expect(verify.status == 0, "\(name): \(verify.stdout) \(verify.stderr)")
        }
        let log = try #require(try json(try await rastro(["audit", "log", "--limit", "500", "--json"], mx)) as? [[String: Any]])
        #expect(log.contains { $0["actor"] as? String == "us-node" && ($0["action"] as? String ?? "").hasPrefix("taxii.") },
                "the US node's reads are in Mexico's audit log")
    }

    /// The state letter of a process (`R`, `S`, `T` for stopped …) from `/proc/PID/stat`, nil when gone.
    static func state(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").first.map(String.init)
    }

    /// A pull killed mid-way (SIGKILL) and run again ends with exactly the records of a pull that
    /// was never interrupted: no page lost, none doubled.
    /// An SQLite node MX-SAT with the small example published in a collection for MX-FGR, and a
    /// token of MX-FGR's liaison `fgr-node`.
    func publishedForFGR() async throws -> (url: String, token: String) {
        let mx = TestBackend.sqlite.freshURL()
        ok(try await rastro(["init", "--organization", "MX-SAT", "--country", "MX"], mx), "init")
        ok(try await rastro(["ingest", Fixtures.packageRoot + "/Examples/small"], mx), "ingest")
        ok(try await rastro(["org", "add", "MX-FGR", "--country", "MX", "--name", "FGR"], mx), "org")
        ok(try await rastro(["user", "add", "fgr-node", "--org", "MX-FGR", "--role", "liaison", "--no-password"], mx), "user")
        let token = try await token(mx, user: "fgr-node")
        ok(try await rastro(["collection", "add", "fgr", "--for", "MX-FGR"], mx), "collection")
        ok(try await rastro(["collection", "publish"], mx), "publish")
        return (mx, token)
    }

    @Test func aKilledPullResumesExactly() async throws {
        let (mx, token) = try await publishedForFGR()
        let server = try await ServeProcess(mx)
        defer { server.stop() }
        let environment = ["RASTRO_SYNC_TOKEN": token]
        // One object a page: the most steps at which a kill can land. With five a page, a pull of
        // this small collection once finished within one of the watcher's windows in a CI run (its
        // 1 ms sleeps last much longer while the other tests keep both cores busy).
        let pull = ["sync", "pull", "--from", server.discovery, "--collection", "fgr", "--page-size", "1", "--partner", "MX-SAT"]

        let reference = TestBackend.sqlite.freshURL()
        ok(try await rastro(["init", "--organization", "MX-FGR", "--country", "MX"], reference), "init reference")
        ok(try await rastro(pull, reference, environment: environment), "reference pull")

        let target = TestBackend.sqlite.freshURL()
        ok(try await rastro(["init", "--organization", "MX-FGR", "--country", "MX"], target), "init target")
        // The pull runs a millisecond at a time: stopped (SIGSTOP) between steps, its cursor read
        // from the target's file in this process, and killed while stopped once some but not all
        // of the records are in. Watching it run freely lost the race on a loaded machine: the
        // whole pull finished between two looks.
        let referenceStore = try await Store.open(try DatabaseURL(parsing: reference))
        let total = try await referenceStore.queryForTests("SELECT objects_loaded FROM sync_cursors").first?["objects_loaded"].integer ?? 0
        await referenceStore.close()
        let watcher = try await Store.open(try DatabaseURL(parsing: target))
        let process = try RastroProcess.start(pull + ["--database", target], environment: environment)
        let pid = process.processIdentifier
        var killedAt: Int64 = 0
        for _ in 0..<60_000 {
            try await Task.sleep(for: .milliseconds(1))
            kill(pid, SIGSTOP)
            while process.isRunning, Self.state(of: pid) != "T" { try await Task.sleep(for: .microseconds(100)) }
            guard process.isRunning else { break }
            let loaded = (try? await watcher.queryForTests("SELECT objects_loaded FROM sync_cursors"))?.first?["objects_loaded"].integer ?? 0
            if loaded > 0, loaded < total {
                kill(pid, SIGKILL)
                killedAt = loaded
                break
            }
            kill(pid, SIGCONT)
        }
        await process.exited()
        await watcher.close()
        #expect(process.terminationReason == .uncaughtSignal, "the pull was killed mid-way (after \(killedAt) records)")
        let partial = try await rastro(["stats", "--json"], target).stdout
        #expect(partial != (try await rastro(["stats", "--json"], reference).stdout), "the kill left the pull unfinished")
        ok(try await rastro(pull, target, environment: environment), "pull again")
        // The same records and the same number of versions of each (a doubled page would add versions).
        #expect(try await rastro(["stats", "--json"], target).stdout == (try await rastro(["stats", "--json"], reference).stdout))
        let verify = try await rastro(["audit", "verify"], target)
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    /// A server killed (SIGKILL) after answering pages leaves their audit entries in its read
    /// journal (SQLite); the next command that reads the log folds them into the chain once, and
    /// removes the journal.
    @Test func aKilledServersReadsReachTheChain() async throws {
        let (mx, token) = try await publishedForFGR()
        let server = try await ServeProcess(mx)
        let target = TestBackend.sqlite.freshURL()
        ok(try await rastro(["init", "--organization", "MX-FGR", "--country", "MX"], target), "init target")
        ok(try await rastro(["sync", "pull", "--from", server.discovery, "--collection", "fgr", "--page-size", "5", "--partner", "MX-SAT"],
                            target, environment: ["RASTRO_SYNC_TOKEN": token]), "pull")
        let path = String(mx.dropFirst("sqlite:".count))
        let journals = try FileManager.default.contentsOfDirectory(atPath: path + "-audit.journals")
        #expect(journals.count == 1, "the server's batcher logged to its journal: \(journals)")
        let size = try FileManager.default.attributesOfItem(atPath: path + "-audit.journals/" + (journals.first ?? ""))[.size] as? Int ?? 0
        let peek = try await Store.open(try DatabaseURL(parsing: mx))
        let folded = try await peek.queryForTests("SELECT folded FROM audit.audit_journals").first?.values.first?.integer ?? -1
        await peek.close()
        #expect(folded >= 0 && Int(folded) < size, "reads not yet in the chain when the server dies (\(folded) of \(size) bytes)")
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()

        let log = try #require(try json(try await rastro(["audit", "log", "--limit", "1000", "--json"], mx)) as? [[String: Any]])
        let pages = log.filter { $0["action"] as? String == "taxii.objects" && $0["actor"] as? String == "fgr-node" }
        #expect(pages.count >= 2, "every page the pull read is in the chain: \(log.prefix(5))")
        #expect(Set(log.compactMap { $0["seq"] as? Int }).count == log.count, "none twice")
        #expect(try FileManager.default.contentsOfDirectory(atPath: path + "-audit.journals").isEmpty)
        ok(try await rastro(["audit", "verify"], mx), "verify")
    }
}
