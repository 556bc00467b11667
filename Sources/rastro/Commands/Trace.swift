import ArgumentParser
import Foundation
import RastroAnalysis
import RastroModel
import RastroStore

struct Trace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow one consignment from the port: who held how much, when, by which vehicle, and what is unaccounted for.",
        discussion: """
            Transfers that name the consignment move its lot exactly; the others are allocated \
            through each holder first-in-first-out (docs/analysis.md explains the rule and its \
            limits). Parties are the entities of the last `rastro resolve` or `rastro analyze`.

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
            let viewer = viewer.viewer(settings)
            let entities = try await store.resolvedEntities()
            guard !entities.isEmpty else {
                throw Failure(code: Failure.usage, message: "no resolution has run yet: run `rastro resolve` or `rastro analyze` first")
            }
            func all<T>(_ kind: Kind, _ make: (Record) throws -> T) async throws -> [T] {
                var out: [T] = []
                var after = ""
                while true {
                    let page = try await store.currentRecords(kind, viewer: viewer, limit: 20_000, after: after)
                    out += page.compactMap { try? make($0) }
                    guard page.count == 20_000, let last = page.last else { return out }
                    after = last.id
                }
            }
            let consignments = try await all(.consignments, Consignment.init)
            guard let target = consignments.first(where: { $0.consignmentID == consignment }) else { return (nil, [:], []) }
            let key = MassBalance.chemicalKey(target.chemical)
            let transfers = try await all(.transfers, Transfer.init).filter { MassBalance.chemicalKey($0.chemical) == key }
            let reports = try await all(.usageReports, UsageReport.init).filter { MassBalance.chemicalKey($0.chemical) == key }
            let graph = CustodyGraph.build(consignments: consignments.filter { MassBalance.chemicalKey($0.chemical) == key },
                                           transfers: transfers, usageReports: reports, entityOf: { entities[$0] })
            let trace = graph.trace(consignment)
            let transferIDs = Set(trace?.steps.map(\.transferID) ?? [])
            let legs = try await all(.legs, Leg.init).filter { $0.consignmentID == consignment || $0.transferID.map(transferIDs.contains) == true }
            // Entity names come from whichever record named them first, which another
            // organization may not be allowed to see: it gets entity ids only.
            let names = viewer == settings.viewer ? try await store.entityNames() : [:]
            return (trace, names, legs)
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
