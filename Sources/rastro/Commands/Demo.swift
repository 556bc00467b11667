import ArgumentParser
import Foundation
import Logging
import RastroAnalysis
import RastroIngest
import RastroModel
import RastroServer
import RastroShare
import RastroSim
import RastroStore

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a small world, analyze it, and open the analysts' workbench on it.",
        discussion: """
            Writes a synthetic world (`rastro simulate`) to --world, loads it into a fresh SQLite \
            store at --database (both replaced when they are a previous demo's), runs \
            `rastro analyze`, prints the top alerts and areas, scores the findings against the \
            world's truth (`rastro evaluate`), and serves the workbench on 127.0.0.1 with three demo \
            accounts: a Mexican analyst (ana), a Mexican admin (admin) and a US liaison (tom). The \
            customs agency's declarations of fentanyl precursors are released to US-DEA; the rest \
            stays releasable to Mexico only. Nothing in it is real. Stop the server with Ctrl-C.

            Examples:
              rastro demo
              rastro demo --seed 11 --scale medium --listen 127.0.0.1:8090
              rastro demo --no-serve
            """)

    @Option(help: "The world's seed.")
    var seed: UInt64 = 7

    @Option(help: "small, medium or large.")
    var scale: SimulationOptions.Scale = .small

    @Option(help: ArgumentHelp("The demo's store (SQLite file).", valueName: "path"))
    var database = "rastro-demo.db"

    @Option(help: ArgumentHelp("The folder for the simulated world.", valueName: "folder"))
    var world = "rastro-demo-world"

    @Option(help: ArgumentHelp("Where the workbench listens (port 0: any free port).", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    @Flag(inversion: .prefixedNo, help: "Serve the workbench when the demo is ready.")
    var serve = true

    /// The demo's accounts: (user, organization, role, password). The passwords are printed; the
    /// data is synthetic.
    static let accounts: [(String, String, Viewer.Role, String)] = [
        ("ana", "MX-FUSION", .analyst, "demo-ana-2026"),
        ("admin", "MX-FUSION", .admin, "demo-admin-2026"),
        ("tom", DemoSharing.partner, .liaison, "demo-tom-2026"),
    ]

    func validate() throws {
        guard Serve.parse(listen) != nil else { throw ValidationError("--listen must be host:port, e.g. 127.0.0.1:8080") }
    }

    func run() async throws {
        // Replace only what an earlier demo made.
        let manager = FileManager.default
        if manager.fileExists(atPath: database) {
            let marker = database + ".demo"
            guard manager.fileExists(atPath: marker) else {
                throw Failure(code: Failure.usage, message: "\(database) exists and was not made by `rastro demo`; choose another --database")
            }
            for suffix in ["", "-wal", "-shm", "-audit", "-audit-wal", "-audit-shm", "-audit.journals"] { try? manager.removeItem(atPath: database + suffix) }
        }
        Terminal.note("simulating a \(scale.rawValue) world (seed \(seed)) into \(world) …")
        do {
            _ = try Simulator.run(SimulationOptions(seed: seed, scale: scale, difficulty: .realistic), to: world, replace: true)
        } catch let error as SimulationError {
            throw Failure(code: Failure.usage, message: error.description)
        }
        let released = try DemoSharing.apply(world: world)
        Terminal.note("sharing: \(released) declarations of fentanyl precursors released to \(DemoSharing.partner)")
        _ = manager.createFile(atPath: database + ".demo", contents: Data("made by rastro demo\n".utf8))
        let store = try await Store.open(.sqlite(path: database), configuration: DatabaseOptions.commandConfiguration)
        do {
            try await store.initialize(NodeSettings(organization: "MX-FUSION", country: "MX", defaultTLP: .amber))
            let settings = try await store.settings()
            let node = Viewer(organization: settings.organization, country: settings.country, roles: [.admin])
            try await store.addMember(Member(orgID: DemoSharing.partner, country: "US", name: "DEA liaison office (demo)"), by: node)
            for (user, organization, role, password) in Self.accounts {
                try await store.addUser(UserAccount(userID: user, orgID: organization, role: role, displayName: user,
                                                    passwordHash: Credentials.hashPassword(password)), by: node)
            }
            Terminal.note("loading it into \(database) …")
            _ = try await Ingestor(store: store, settings: settings, options: IngestOptions()).run([world])
            let (summary, result) = try await Analyze.analyze(store, config: .standard, actor: "demo", quiet: false)
            await AutomaticCheckpoint.make(store, try SigningKeyOptions.parse([]))   // the default key beside the database
            await store.close()
            Analyze.printReport(summary, result)
            let findings = result.findings(entityIndex: EntityIndex(entityOf: [:], names: [:], associations: []), mentions: [])
            let truth = try Evaluator.readTruth(at: world + "/truth.json")
            var scored = Findings(consignments: findings.consignments, areas: findings.areas)
            scored.entities = []
            let evaluation = Evaluator.evaluate(findings: scored, truth: truth)
            print("")
            print("against the world's truth (consignments and areas; `rastro evaluate` scores entities too):")
            print(String(format: "  consignments: ROC AUC %.3f, precision@%d %.3f", evaluation.consignments.auc ?? 0, evaluation.consignments.k,
                         evaluation.consignments.precisionAtK ?? 0))
            let areas = evaluation.areas
            print(String(format: "  areas: %d labs; hit@2L %.3f, precision@L %.3f", areas.labs, areas.hitAt2L ?? 0, areas.precisionAtL ?? 0))
        } catch {
            await store.close()
            throw error
        }
        if serve { try await serveWorkbench() }
    }

    /// Serves the demo store's workbench (and TAXII endpoints) until SIGINT or SIGTERM.
    func serveWorkbench() async throws {
        guard let (host, port) = Serve.parse(listen) else { return }
        let server = try await TAXIIServer.open(.sqlite(path: database), configuration: ServerConfiguration(host: host, port: port))
        var logger = Logger(label: "rastro.demo")
        logger.logLevel = .warning
        do {
            try await server.run(logger: logger) { url in
                let base = url.replacingOccurrences(of: "/taxii2/", with: "/")
                var lines = ["", "workbench: \(base)", "demo accounts (synthetic data; user / password):"]
                for (user, organization, role, password) in Self.accounts {
                    lines.append("  \(user) / \(password)  \(role.rawValue) of \(organization)")
                }
                lines.append("Ctrl-C stops the server.")
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
        } catch {
            await server.close()
            throw Failure(code: Failure.store, message: "rastro demo: \(error)")
        }
        await server.close()
    }
}
