import ArgumentParser
import Foundation
import RastroAnalysis
import RastroIngest
import RastroModel
import RastroSim
import RastroStore

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a small world into the embedded store, analyze it, and print the top alerts and areas.",
        discussion: """
            Writes a synthetic world (`rastro simulate`) to --world, loads it into a fresh SQLite \
            store at --database (both replaced when they are a previous demo's), runs \
            `rastro analyze`, prints the top alerts and areas, and scores the findings against the \
            world's truth (`rastro evaluate`). Nothing in it is real.

            Examples:
              rastro demo
              rastro demo --seed 11 --scale medium
            """)

    @Option(help: "The world's seed.")
    var seed: UInt64 = 7

    @Option(help: "small, medium or large.")
    var scale: SimulationOptions.Scale = .small

    @Option(help: ArgumentHelp("The demo's store (SQLite file).", valueName: "path"))
    var database = "rastro-demo.db"

    @Option(help: ArgumentHelp("The folder for the simulated world.", valueName: "folder"))
    var world = "rastro-demo-world"

    func run() async throws {
        // Replace only what an earlier demo made.
        let manager = FileManager.default
        if manager.fileExists(atPath: database) {
            let marker = database + ".demo"
            guard manager.fileExists(atPath: marker) else {
                throw Failure(code: Failure.usage, message: "\(database) exists and was not made by `rastro demo`; choose another --database")
            }
            for suffix in ["", "-wal", "-shm"] { try? manager.removeItem(atPath: database + suffix) }
        }
        Terminal.note("simulating a \(scale.rawValue) world (seed \(seed)) into \(world) …")
        do {
            _ = try Simulator.run(SimulationOptions(seed: seed, scale: scale, difficulty: .realistic), to: world, replace: true)
        } catch let error as SimulationError {
            throw Failure(code: Failure.usage, message: error.description)
        }
        _ = manager.createFile(atPath: database + ".demo", contents: Data("made by rastro demo\n".utf8))
        let store = try await Store.open(.sqlite(path: database))
        do {
            try await store.initialize(NodeSettings(organization: "MX-FUSION", country: "MX", defaultTLP: .amber))
            let settings = try await store.settings()
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
    }
}
