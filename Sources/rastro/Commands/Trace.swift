import ArgumentParser
import Foundation
import RastroAnalysis
import RastroModel
import RastroShare
import RastroStore

struct Trace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow one consignment from the port: who held how much, when, by which vehicle, and what is unaccounted for.",
        discussion: """
            Transfers that name the consignment move its lot exactly. Unnamed transfers are \
            "matched" to a lot when they are the only set of a holder's unnamed transfers, soon \
            after it received the lot, that adds up to it; the others are allocated through each \
            holder first-in-first-out, keeping the stock a later transfer names \
            (docs/analysis.md explains the rules and their limits). Parties are the entities of the \
            last `rastro resolve` or `rastro analyze`.

            Examples:
              rastro trace C-26-1234567
              rastro trace C-26-1234567 --json
              rastro trace C-26-1234567 --geojson > trace.geojson
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var viewer: ViewerOptions

    @Argument(help: ArgumentHelp("The consignment id.", valueName: "consignment"))
    var consignment: String

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print GeoJSON: the legs that carried the lot, as lines.")
    var geojson = false

    func run() async throws {
        let (trace, names, legs) = try await store.withStore { store -> (CustodyTrace?, [String: String], [Leg]) in
            let settings = try await store.settings()
            let viewer = try await viewer.viewer(store, settings)
            let isNode = viewer.organization == settings.organization
            guard try await !store.resolutionRuns(limit: 1).isEmpty else {
                throw Failure(code: Failure.usage, message: "no resolution has run yet: run `rastro resolve` or `rastro analyze` first")
            }
            // Entity names come from whichever record named them first, which another
            // organization may not be allowed to see: it gets entity ids only.
            let names = isNode ? try await store.entityNames() : [:]
            let trace: CustodyTrace?
            if isNode, let (stored, run) = try await ConsignmentTrace.stored(consignment, in: store) {
                trace = stored
                Terminal.note("as traced by the analysis of \(run.finishedAt) (run \(run.runID))")
            } else {
                trace = try await ConsignmentTrace.recompute(consignment, in: store, viewer: viewer, entities: try await store.resolvedEntities())
                Terminal.note("traced now from the records you may see (no current analysis holds this trace for you)")
            }
            guard let trace else { return (nil, [:], []) }
            let legs = try await store.currentRecords(.legs, where: "transfer_id", in: trace.steps.map(\.transferID), viewer: viewer)
                + store.currentRecords(.legs, where: "consignment_id", in: [consignment], viewer: viewer)
            var seen = Set<String>()
            try await store.auditRead([AuditEvent(viewer, "read", objects: ["consignments/" + consignment], detail: "trace")])
            return (trace, names, legs.compactMap { seen.insert($0.id).inserted ? try? Leg($0) : nil })
        }
        guard let trace else {
            throw Failure(code: Failure.rejectedInput, message: "no consignment \(consignment) that you may see")
        }
        func name(_ entity: String) -> String { names[entity].map { "\($0) (\(entity))" } ?? entity }
        if geojson {
            let features: [[String: Any]] = legs.compactMap { leg in
                guard let origin = leg.origin, let destination = leg.destination else { return nil }
                return ["type": "Feature",
                        "geometry": ["type": "LineString", "coordinates": [[origin.lon, origin.lat], [destination.lon, destination.lat]]],
                        "properties": ["leg_id": leg.legID, "vehicle_id": leg.vehicleID, "departed_at": leg.departedAt,
                                       "transfer_id": leg.transferID ?? "", "consignment_id": leg.consignmentID ?? ""]]
            }
            let data = try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": features], options: [.sortedKeys])
            FileHandle.standardOutput.write(data + Data("\n".utf8))
            return
        }
        if json {
            try Terminal.json(trace)
            return
        }
        print("\(trace.consignmentID): \(String(format: "%.1f", trace.importedKg)) kg of \(trace.chemical), arrived \(trace.arrivalDate), imported by \(name(trace.importer))")
        var legsOf: [String: [Leg]] = [:]
        for leg in legs { legsOf[leg.transferID ?? ("import:" + (leg.consignmentID ?? "")), default: []].append(leg) }
        for leg in legsOf["import:" + trace.consignmentID] ?? [] {
            print("  port → importer: vehicle \(leg.vehicleID), left \(leg.departedAt)\(leg.arrivedAt.map { ", arrived \($0)" } ?? "")")
        }
        Terminal.table(["date", "transfer", "from", "to", "kg of this lot", "of", "how", "vehicle"], trace.steps.map { step in
            [step.date, step.transferID, name(step.fromEntity), name(step.toEntity), String(format: "%.1f", step.quantityKg),
             String(format: "%.1f", step.transferKg), step.allocation.rawValue,
             (legsOf[step.transferID] ?? []).map(\.vehicleID).joined(separator: ", ")]
        })
        if !trace.holdings.isEmpty {
            print("held at the end of the data:")
            for (entity, kg) in trace.holdings.sorted(by: { $0.value > $1.value }) { print(String(format: "  %8.1f kg  %@", kg, name(entity))) }
        }
        print(String(format: "unaccounted for: %.1f kg", trace.unaccountedKg))
    }
}

/// `rastro trace-benchmark [--lookups N]` (not listed in the help; scripts/bench/analysis.sh):
/// times N stored-trace lookups against the recursive SQL walk over the same custody edges, checks
/// that both give the same steps, and prints the latencies and their ratio.
struct TraceBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trace-benchmark", abstract: "Time stored traces against a recursive SQL walk.",
                                                    shouldDisplay: false)

    @OptionGroup var store: DatabaseOptions

    @Option(help: "How many lookups.")
    var lookups = 1_000

    func run() async throws {
        let count = lookups
        try await store.withStore { store in
            let ids = try await store.storedTraceIDs()
            guard !ids.isEmpty else { throw Failure(code: Failure.usage, message: "no stored traces: run `rastro analyze` first") }
            // The same spread-out sample every run: a large prime step through the ids.
            let sample = (0..<max(1, count)).map { ids[($0 * 7_919) % ids.count] }
            var lookup: [Double] = [], recursive: [Double] = [], steps = 0
            for id in sample {
                let clock = ContinuousClock()
                var trace: CustodyTraceRow?
                let first = try await clock.measure { trace = try await store.storedTrace(id) }
                var walked: [CustodyStepRow] = []
                let second = try await clock.measure { walked = try await store.recursiveTraceSteps(id) }
                guard let trace, trace.steps == walked else {
                    throw Failure(code: Failure.rejectedInput, message: "\(id): the recursive query and the stored trace disagree")
                }
                steps += walked.count
                lookup.append(first.seconds * 1000)
                recursive.append(second.seconds * 1000)
            }
            func percentile(_ values: [Double], _ p: Double) -> Double {
                let sorted = values.sorted()
                return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded(.up)))]
            }
            print(String(format: "traces: %d lookups of %d stored traces (%.1f steps on average), same steps from both", sample.count, ids.count,
                         Double(steps) / Double(sample.count)))
            print(String(format: "rastro trace lookup     p50 %.3f ms  p99 %.3f ms", percentile(lookup, 0.5), percentile(lookup, 0.99)))
            print(String(format: "recursive SQL (peer)    p50 %.3f ms  p99 %.3f ms", percentile(recursive, 0.5), percentile(recursive, 0.99)))
            print(String(format: "ratio (peer / rastro)   p50 %.1fx  p99 %.1fx", percentile(recursive, 0.5) / percentile(lookup, 0.5),
                         percentile(recursive, 0.99) / percentile(lookup, 0.99)))
        }
    }
}
