import Foundation
import RastroModel

/// `rastro simulate`: writes a synthetic world in contract v1, its `truth.json` and a
/// `scenario.md`, deterministic for a seed. Files are written into a temporary folder beside the
/// destination and moved into place at the end: a failed run leaves nothing half-written.
public enum Simulator {
    public struct Summary: Sendable, Codable {
        public var folder: String
        public var seed: UInt64
        public var scale: String
        public var difficulty: String
        /// File name → data rows.
        public var files: [String: Int]
        public var diverted: Int
        public var labs: Int
        public var entities: Int
        public var mentions: Int
        public var seconds: Double
    }

    /// The files of a world, each with its columns and default marking columns.
    static let files: [(name: String, columns: [String], format: TableWriter.Format)] = [
        ("organizations.csv", ["org_id", "name", "country", "tax_id", "business_type", "address", "city", "state", "postal_code", "lat",
                               "lon", "registered_on", "representative", "phone", "email", "originator", "tlp", "releasable_to"], .csv),
        ("consignments.csv", ["consignment_id", "arrival_date", "port_locode", "chemical_cas", "chemical_name", "quantity_kg",
                              "importer_name", "importer_tax_id", "importer_address", "exporter_name", "exporter_country",
                              "origin_port_locode", "hs_code", "bill_of_lading", "vessel_imo", "container_id", "declared_use",
                              "pen_reference", "originator", "tlp", "releasable_to"], .csv),
        ("transfers.csv", ["transfer_id", "date", "chemical_cas", "chemical_name", "quantity_kg", "from_name", "to_name", "from_tax_id",
                           "to_tax_id", "to_address", "consignment_id", "document_ref", "originator", "tlp", "releasable_to"], .csv),
        ("legs.csv", ["leg_id", "vehicle_id", "departed_at", "arrived_at", "origin_lat", "origin_lon", "destination_lat",
                      "destination_lon", "carrier_name", "transfer_id", "consignment_id", "originator", "tlp", "releasable_to"], .csv),
        ("track_points.csv", ["vehicle_id", "recorded_at", "lat", "lon", "source", "speed_kmh", "originator", "tlp", "releasable_to"], .csv),
        ("usage_reports.csv", ["report_id", "org_tax_id", "org_name", "chemical_cas", "chemical_name", "period_start", "period_end",
                               "received_kg", "consumed_kg", "stock_end_kg", "filed_on", "originator", "tlp", "releasable_to"], .csv),
        ("observations.ndjson", ["observation_id", "observed_at", "lat", "lon", "kind", "confidence", "source", "description",
                                 "vehicle_id", "originator", "tlp", "releasable_to"], .ndjson),
        ("incidents.csv", ["incident_id", "date", "kind", "lat", "lon", "country", "chemical_cas", "chemical_name", "quantity_kg",
                           "entity_names", "entity_tax_ids", "description", "originator", "tlp", "releasable_to"], .csv),
    ]

    /// Default markings per file: the agency that owns the data, shared with the country's
    /// agencies (TLP:AMBER, releasable to MX); the registry is TLP:GREEN.
    static let markings: [String: (originator: String, tlp: String, releasable: String)] = [
        "organizations.csv": ("MX-COFEPRIS", "green", ""), "consignments.csv": ("MX-ANAM", "amber", "MX"),
        "transfers.csv": ("MX-COFEPRIS", "amber", "MX"), "legs.csv": ("MX-SICT", "amber", "MX"),
        "usage_reports.csv": ("MX-COFEPRIS", "amber", "MX"), "observations.ndjson": ("MX-SEDENA", "amber", "MX"),
        "incidents.csv": ("MX-FGR", "amber", "MX"),
    ]

    public static func run(_ options: SimulationOptions, to folder: String, replace: Bool = false,
                           progress: ((String) -> Void)? = nil) throws -> Summary {
        let started = Date()
        let manager = FileManager.default
        let destination = URL(fileURLWithPath: folder).standardizedFileURL
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: destination.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw SimulationError("\(folder): exists and is not a folder") }
            let contents = (try? manager.contentsOfDirectory(atPath: destination.path)) ?? []
            if !contents.isEmpty, !replace {
                throw SimulationError("\(folder): the folder is not empty (use --force to replace a world written there)")
            }
            if !contents.isEmpty, !manager.fileExists(atPath: destination.appendingPathComponent("truth.json").path) {
                throw SimulationError("\(folder): the folder holds other files than a simulated world; refusing to replace it")
            }
        }
        let parent = destination.deletingLastPathComponent()
        guard manager.isWritableFile(atPath: parent.path) else { throw SimulationError("\(parent.path): cannot write there") }
        let staging = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? manager.removeItem(at: staging)
        try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        do {
            var summary = try generate(options, into: staging.path, progress: progress)
            if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
            try manager.moveItem(at: staging, to: destination)
            summary.folder = destination.path
            summary.seconds = Date().timeIntervalSince(started)
            return summary
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    static func generate(_ options: SimulationOptions, into folder: String, progress: ((String) -> Void)?) throws -> Summary {
        let parameters = Parameters(options)
        let geography = try Geography.shipped()
        let chemicals = ChemicalGroups(catalog: .shipped)
        let root = SimRandom(seed: options.seed, stream: "world")
        progress?("building the cast")
        let cast = WorldBuilder.cast(parameters, geography: geography, chemicals: chemicals, random: root.fork("cast"))
        var builder = TrafficBuilder(parameters: parameters, options: options, geography: geography, chemicals: chemicals, cast: cast,
                                     random: root.fork("traffic"))
        progress?("trading")
        builder.assignOrgIDs()
        builder.planLeaks()
        let schemeShare = Int((Double(parameters.consignments) * parameters.divertedShare).rounded())
        let schemeOwn = schemeShare - (TrafficBuilder.budget(schemeShare)[.distributorLeak] ?? 0)
            - (TrafficBuilder.budget(schemeShare)[.routeDeviation] ?? 0)
        builder.honestTrade(count: parameters.consignments - schemeOwn)
        builder.random = root.fork("schemes")
        builder.schemes()
        builder.recordLeaks()
        builder.routeDeviations()
        builder.applyLeakRiders()
        builder.random = root.fork("reports")
        let usage = builder.usageReports()

        var counts: [String: Int] = [:]
        func open(_ name: String) throws -> TableWriter {
            guard let spec = files.first(where: { $0.name == name }) else { throw SimulationError("no such file \(name)") }
            return try TableWriter(path: (folder as NSString).appendingPathComponent(name), columns: spec.columns, format: spec.format)
        }
        /// Rows in the order an agency's export has them: by date, then id (ids are random).
        func write(_ name: String, _ rows: [[String: String]], orderedBy keys: [String]) throws {
            let sortKeys = rows.map { row in keys.map { row[$0] ?? "" } }
            let rows = rows.indices.sorted { sortKeys[$0].lexicographicallyPrecedes(sortKeys[$1]) }.map { rows[$0] }
            let writer = try open(name)
            let marking = markings[name] ?? ("MX-COFEPRIS", "amber", "MX")
            for var cells in rows {
                if cells["originator"] == nil { cells["originator"] = marking.originator }
                if cells["tlp"] == nil { cells["tlp"] = marking.tlp }
                if cells["releasable_to"] == nil { cells["releasable_to"] = marking.releasable }
                try writer.row(writer.columns.map { cells[$0] })
            }
            try writer.close()
            counts[name] = writer.rows
        }

        progress?("driving \(builder.traffic.legs.count) legs")
        let tracks = Tracks(parameters: parameters, geography: geography, random: root.fork("checkpoints"))
        tracks.schedule(&builder.traffic.legs, carriers: builder.cast.parties, random: root.fork("drive"))
        let trackWriter = try open("track_points.csv")
        var sightings: [(lat: Double, lon: Double, time: Int, vehicle: String)] = []
        let driveRandom = root.fork("drive")
        // Drive in departure order, so that the file's order says nothing about how a trip was planned.
        let legs = builder.traffic.legs
        let order = legs.indices.sorted { (legs[$0].departure, legs[$0].legID) < (legs[$1].departure, legs[$1].legID) }
        for index in order {
            let leg = legs[index]
            let seen = try tracks.drive(leg, index: index, random: driveRandom) { row in
                var row = row
                try row.withUTF8 { try trackWriter.raw(UnsafeRawBufferPointer($0)) }
            }
            sightings += seen
        }
        try trackWriter.close()
        counts["track_points.csv"] = trackWriter.rows

        // Legs (after scheduling: vehicles and arrivals are known).
        var legRows: [[String: String]] = []
        var legRandom = root.fork("legs")
        for leg in builder.traffic.legs {
            var cells: [String: String] = [:]
            cells["leg_id"] = leg.legID
            cells["vehicle_id"] = leg.vehicleID
            cells["departed_at"] = Format.timestamp(leg.departure)
            if leg.reportsArrival { cells["arrived_at"] = Format.timestamp(leg.arrival) }
            cells["origin_lat"] = Format.fixed(leg.originLat, 5)
            cells["origin_lon"] = Format.fixed(leg.originLon, 5)
            if leg.reportsDestination {
                cells["destination_lat"] = Format.fixed(leg.destinationLat, 5)
                cells["destination_lon"] = Format.fixed(leg.destinationLon, 5)
            }
            cells["carrier_name"] = Names.variant(builder.cast.parties[leg.carrier].name, &legRandom, care: .ordinary)
            cells["transfer_id"] = leg.transferID
            cells["consignment_id"] = leg.consignmentID
            legRows.append(cells)
        }

        progress?("writing records")
        builder.random = root.fork("observations")
        let observations = builder.observations(trueVehicleSightings: sightings)
        builder.random = root.fork("incidents")
        let incidents = builder.incidents()
        builder.random = root.fork("registry")
        let registry = builder.registry()
        try write("organizations.csv", registry.map(\.cells), orderedBy: ["org_id"])
        try write("consignments.csv", builder.traffic.consignments.map(\.cells), orderedBy: ["arrival_date", "consignment_id"])
        try write("transfers.csv", builder.traffic.transfers.map(\.cells), orderedBy: ["date", "transfer_id"])
        try write("legs.csv", legRows, orderedBy: ["departed_at", "leg_id"])
        try write("usage_reports.csv", usage.map(\.cells), orderedBy: ["period_start", "report_id"])
        try write("observations.ndjson", observations.map(\.cells), orderedBy: ["observation_id"])
        try write("incidents.csv", incidents.map(\.cells), orderedBy: ["incident_id"])

        let truth = makeTruth(options, builder: builder)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(truth).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("truth.json")))
        let scenario = Scenario.text(options, truth: truth, counts: counts, builder: builder)
        try Data(scenario.utf8).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("scenario.md")))
        return Summary(folder: folder, seed: options.seed, scale: options.scale.rawValue, difficulty: options.difficulty.rawValue,
                       files: counts, diverted: truth.divertedConsignments.count, labs: truth.labs.count, entities: truth.entities.count,
                       mentions: truth.mentions.count, seconds: 0)
    }

    static func makeTruth(_ options: SimulationOptions, builder: TrafficBuilder) -> Truth {
        let traffic = builder.traffic
        let diverted = traffic.diverted.keys.sorted().compactMap { id -> Truth.DivertedConsignment? in
            guard let entry = traffic.diverted[id], entry.kg > 0 || entry.schemes.count > 1 else { return nil }
            return Truth.DivertedConsignment(consignmentID: id, scheme: entry.schemes[0], schemes: entry.schemes,
                                             divertedKg: (entry.kg * 10).rounded() / 10, labID: entry.lab)
        }
        let mentioned = Set(traffic.mentions.map(\.entityID))
        let entities = builder.cast.parties.filter { mentioned.contains($0.entityID) }.map { party in
            Truth.Entity(entityID: party.entityID, name: party.name.canonical, country: party.country,
                         role: party.role.rawValue, taxID: party.rfc, illicit: party.illicit)
        }
        let mentions = traffic.mentions.sorted { ($0.kind, $0.id, $0.role.rawValue) < ($1.kind, $1.id, $1.role.rawValue) }
        return Truth(seed: options.seed, scale: options.scale.rawValue, difficulty: options.difficulty.rawValue,
                     periodStart: Calendar.date(WorldBuilder.firstDay), periodEnd: Calendar.date(WorldBuilder.firstDay + WorldBuilder.dayCount - 1),
                     consignmentIDs: traffic.consignments.map(\.id).sorted(), divertedConsignments: diverted, entities: entities,
                     mentions: mentions, labs: builder.cast.activeLabs, raidedLabs: raidedWithIncidents(builder), schemes: traffic.schemes,
                     transferLots: Dictionary(traffic.transfers.map { ($0.id, $0.source) }, uniquingKeysWith: { first, _ in first }))
    }

    static func raidedWithIncidents(_ builder: TrafficBuilder) -> [Truth.Lab] {
        builder.cast.raidedLabs.map { lab in
            var lab = lab
            lab.incidentID = builder.raidIncidents[lab.labID]
            return lab
        }
    }
}
