public import ArgumentParser
import Foundation
public import RastroSim

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic world with ground truth: contract-v1 files, truth.json, scenario.md.",
        discussion: """
            Generates importers, distributors, carriers, licensed users and fronts trading real \
            chemicals through real Mexican ports and cities for one year, with diversion schemes \
            hidden in ordinary traffic. The same seed gives the same bytes. Nothing is written to \
            a store: load the folder with `rastro ingest`, score findings with `rastro evaluate`.

            Scales: small ≈ 200 consignments (tests, demo); medium ≈ 2,000 consignments and 500k \
            track points; large ≈ 20,000 consignments, 200k transfers and 5M track points.
            Difficulty: realistic (default; every reported figure uses it) or easy (schemes stand out).

            Examples:
              rastro simulate --seed 7 --scale small --out world
              rastro ingest world
              rastro simulate --seed 7 --scale large --out /tmp/large --force --json
            """)

    @Option(help: "The seed: the same seed gives the same world.")
    var seed: UInt64 = 1

    @Option(help: "small, medium or large.")
    var scale: SimulationOptions.Scale = .small

    @Option(help: "realistic (default) or easy.")
    var difficulty: SimulationOptions.Difficulty = .realistic

    @Option(help: "The folder to write (created; must be empty unless --force).")
    var out: String

    @Flag(help: "Replace a world already written in --out.")
    var force = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func run() throws {
        let options = SimulationOptions(seed: seed, scale: scale, difficulty: difficulty)
        let interactive = Terminal.stderrIsTerminal
        let summary: Simulator.Summary
        do {
            summary = try Simulator.run(options, to: out, replace: force) { step in
                if interactive { Terminal.note("simulate: \(step)…") }
            }
        } catch let error as SimulationError {
            throw Failure(code: Failure.usage, message: error.description)
        }
        if json {
            try Terminal.json(summary)
            return
        }
        print("wrote \(summary.folder) in \(String(format: "%.1f", summary.seconds)) s (seed \(summary.seed), \(summary.scale), \(summary.difficulty))")
        Terminal.table(["file", "rows"], summary.files.keys.sorted().map { [$0, "\(summary.files[$0] ?? 0)"] })
        print("truth: \(summary.diverted) diverted consignments, \(summary.labs) labs, \(summary.entities) entities behind \(summary.mentions) mentions")
    }
}

extension SimulationOptions.Scale: ExpressibleByArgument {}
extension SimulationOptions.Difficulty: ExpressibleByArgument {}
