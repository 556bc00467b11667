import Foundation
import RastroAnalysis
import RastroModel
import RastroStore
import Testing

/// A 100 km road due north of (19.0, −103.0), and trips on it, all leaving at 2026-03-02T08:00Z (plus
/// whole days). Its corridor is max(8, 0.12 × 100) = 12 km wide, and a stop costs a detour from
/// max(2, 0.02 × 100) = 2 km of extra distance (about 10 km east of the midpoint).
private enum Road {
    /// Minutes after departure, km north of the origin, km east of the road, reported km/h.
    typealias Fix = (minutes: Double, along: Double, off: Double, kmh: Double?)

    static let kmPerDegree = Geo.earthRadiusKm * Double.pi / 180
    static let t0 = Int64(Timestamp.daysFromCivil(year: 2026, month: 3, day: 2)) * 86_400 + 8 * 3600
    static let origin = point(0, 0)
    static let destination = point(100, 0)
    /// The time a 100 km leg is allowed: 100 km × 1.35 at 70 km/h, plus 2 h (≈ 235.7 minutes).
    static let allowedMinutes = (100 * 1.35 / 70 + 2) * 60

    /// `along` km north of the origin and `off` km east of the road.
    static func point(_ along: Double, _ off: Double) -> Coordinate {
        let lat = 19.0 + along / kmPerDegree
        return Coordinate(lat: lat, lon: -103.0 + off / (kmPerDegree * cos(lat * .pi / 180)))
    }

    /// Driving north from km `from` to km `to` at 60 km/h from minute `start`: a fix every 10 minutes, both ends.
    static func drive(at start: Double, from: Double, to: Double) -> [Fix] {
        let steps = Int(((to - from) / 10).rounded())
        return (0...steps).map { step -> Fix in (start + Double(step) * 10, from + Double(step) * 10, 0, nil) }
    }

    /// Waiting at the destination after minute `start` until `end`: a fix every 10 minutes, and one at `end`.
    static func wait(from start: Double, until end: Double) -> [Fix] {
        guard end > start else { return [] }
        var fixes = stride(from: start + 10, to: end, by: 10).map { minutes -> Fix in (minutes, 100, 0, nil) }
        fixes.append((end, 100, 0, nil))
        return fixes
    }

    /// 100 km in 100 minutes, then waiting at the destination until `arrival`.
    static func honest(arrival: Double = 110) -> [Fix] {
        drive(at: 0, from: 0, to: 100) + wait(from: 100, until: arrival)
    }

    /// Halfway, a turn `off` km east (and `north` km past the midpoint) to stand there for `minutes`, a fix
    /// every 5 minutes (a dwell from 25 minutes); with `minutes` 0, a single fix there reporting `kmh`.
    /// Then on to the destination, arriving 5 minutes after the last fix.
    static func detour(off: Double, north: Double = 0, minutes: Double = 45, kmh: Double? = 0) -> (fixes: [Fix], arrival: Double) {
        var fixes = drive(at: 0, from: 0, to: 50)
        fixes.append((60, 50, off / 2, nil))
        if minutes > 0 {
            fixes += stride(from: 70.0, through: 70 + minutes, by: 5).map { minutes -> Fix in (minutes, 50 + north, off, nil) }
        } else {
            fixes.append((70, 50 + north, off, kmh))
        }
        let end = 70 + minutes
        fixes.append((end + 10, 50, off / 2, nil))
        fixes += drive(at: end + 20, from: 50, to: 100)
        return (fixes, end + 75)
    }

    /// Driving at 60 km/h with no fix for `gap` minutes after km `from`, seen again at km `to`; by
    /// default at `from + gap`, where driving on would have brought it (the device, not the truck,
    /// went dark: the drive needs longer than the gap, so it hides no stop). Then on to the
    /// destination and waiting there until `arrival`.
    static func dark(from: Double, gap: Double, to: Double? = nil, arrival: Double) -> [Fix] {
        let back = from + gap, seen = to ?? from + gap
        var fixes = drive(at: 0, from: 0, to: from)
        fixes.append((back, seen, 0, nil))
        if seen < 100 { fixes.append((back + 100 - seen, 100, 0, nil)) }
        return fixes + wait(from: fixes[fixes.count - 1].minutes, until: arrival)
    }
}

/// A hand-built world for the rules: records built through `Record` as ingest builds them (the
/// chemical resolved against the shipped catalog), and every party mention resolved by hand to the
/// entity the call names.
private struct RulesWorld {
    var data = AnalysisData()
    var entityOf: [Mention: String] = [:]
    var names: [String: String] = [:]
    var associations: [EntityAssociationRow] = []
    /// The route each vehicle drives (see `trip`): a new vehicle gets the next one.
    var routeOfVehicle: [String: Int] = [:]

    /// N-phenethyl-4-piperidone: a fentanyl precursor in Table I, HS 2933.37.
    static let npp = "39742-60-4"
    /// Safrole: Table I, not a fentanyl precursor, HS 2932.94.
    static let safrole = "94-59-7"
    /// Acetone: Table II, HS 2914.11.
    static let acetone = "67-64-1"
    /// Sodium carbonate: in the catalog but under no control, HS 2836.20.
    static let sodaAsh = "497-19-8"
    /// Sodium chloride: a valid CAS number the catalog does not list.
    static let salt = "7647-14-5"
    /// A company RFC whose check digit is right.
    static let validRFC = "SAT970701NN3"

    /// Every rule of the standard model at weight 1, so that each rule's logic shows whatever the fitted weights are.
    static let everyRule: RiskConfig = {
        var config = RiskConfig.standard
        for rule in config.weights.keys { config.weights[rule] = 1 }
        return config
    }()

    /// A record of `kind` with the given fields; the chemical resolves as ingest resolves it.
    static func record(_ kind: Kind, _ id: String, text: [String: String], numbers: [String: Double] = [:]) throws -> Record {
        let schema = kind.schema
        var values = [FieldValue](repeating: .null, count: schema.fields.count)
        for (name, value) in text {
            let index = try #require(schema.index(of: name), "\(kind.rawValue) has no field \(name)")
            values[index] = .text(value)
        }
        for (name, value) in numbers {
            let index = try #require(schema.index(of: name), "\(kind.rawValue) has no field \(name)")
            values[index] = .number(value)
        }
        let chemical = schema.hasChemical ? ChemicalCatalog.shipped.resolve(cas: text["chemical_cas"], name: text["chemical_name"]) : nil
        return Record(kind: kind, id: id, values: values, marking: Marking(tlp: .amber, originator: "MX-ANAM"), chemicalRef: chemical?.cas,
                      line: 1)
    }

    /// A world whose importer `IMP` is registered (long ago, a manufacturer at a commercial address),
    /// changed by `build`, then analyzed with every rule at weight 1 (or `config`).
    static func analyze(registered: Bool = true, config: RiskConfig = everyRule,
                        _ build: (inout RulesWorld) throws -> Void) throws -> AnalysisResult {
        var world = RulesWorld()
        if registered { try world.organization("IMP") }
        try build(&world)
        return world.analyze(config: config)
    }

    func analyze(config: RiskConfig = everyRule) -> AnalysisResult {
        Analyzer(config: config).analyze(data, entities: EntityIndex(entityOf: entityOf, names: names, associations: associations))
    }

    /// A registry row `id` (by default `O-<entity>`) resolved to `entity`.
    mutating func organization(_ entity: String, id: String? = nil, type: String = "manufacturer", registered: String? = "2010-05-01",
                               address: String? = "Av. Industria 100, Monterrey", at place: Coordinate? = nil) throws {
        let id = id ?? "O-\(entity)"
        var text = ["org_id": id, "name": entity, "country": "MX", "business_type": type]
        text["registered_on"] = registered
        text["address"] = address
        var numbers: [String: Double] = [:]
        numbers["lat"] = place?.lat
        numbers["lon"] = place?.lon
        data.organizations.append(try Organization(try Self.record(.organizations, id, text: text, numbers: numbers)))
        entityOf[Mention(kind: .organizations, id: id, role: .self)] = entity
        names[entity] = entity
    }

    /// An import by `importer`: by default a clean declaration of soda ash, with a valid RFC, a
    /// commercial address and a direct voyage from China. `changes` set fields (nil removes one).
    mutating func importLot(_ id: String, by importer: String = "IMP", on date: String = "2026-03-02", kg: Double = 500,
                            cas: String? = RulesWorld.sodaAsh, name: String? = nil, port: String = "MXZLO",
                            _ changes: [String: String?] = [:]) throws {
        var text = ["consignment_id": id, "arrival_date": date, "port_locode": port, "importer_name": importer,
                    "importer_tax_id": Self.validRFC, "importer_address": "Av. Industria 100, Monterrey",
                    "exporter_name": "Shanghai Fine Chemicals", "exporter_country": "CN", "origin_port_locode": "CNSHA"]
        text["chemical_cas"] = cas
        text["chemical_name"] = name
        for (field, value) in changes { text[field] = value }
        data.consignments.append(try Consignment(try Self.record(.consignments, id, text: text, numbers: ["quantity_kg": kg])))
        entityOf[Mention(kind: .consignments, id: id, role: .importer)] = importer
        names[importer] = importer
    }

    /// A sale of `kg` from one entity to another (drawn first-in-first-out unless it names its `lot`).
    mutating func sell(_ id: String, from: String, to: String, on date: String, kg: Double, cas: String = RulesWorld.sodaAsh,
                       lot: String? = nil) throws {
        var text = ["transfer_id": id, "date": date, "from_name": from, "to_name": to, "chemical_cas": cas]
        text["consignment_id"] = lot
        data.transfers.append(try Transfer(try Self.record(.transfers, id, text: text, numbers: ["quantity_kg": kg])))
        entityOf[Mention(kind: .transfers, id: id, role: .from)] = from
        entityOf[Mention(kind: .transfers, id: id, role: .to)] = to
    }

    /// A usage report of `party` for one chemical and period.
    mutating func report(_ id: String, by party: String, from start: String = "2026-01-01", to end: String = "2026-03-31",
                         cas: String = RulesWorld.sodaAsh, consumed: Double, stockEnd: Double) throws {
        let text = ["report_id": id, "org_name": party, "chemical_cas": cas, "period_start": start, "period_end": end]
        data.usageReports.append(try UsageReport(try Self.record(.usageReports, id, text: text,
                                                                 numbers: ["consumed_kg": consumed, "stock_end_kg": stockEnd])))
        entityOf[Mention(kind: .usageReports, id: id, role: .reporter)] = party
    }

    /// An incident naming `parties` (slot n is the mention `ID#n`).
    mutating func incident(_ id: String, naming parties: [String], on date: String = "2026-06-01") throws {
        let text = ["incident_id": id, "date": date, "kind": "seizure", "entity_names": parties.joined(separator: ";")]
        data.incidents.append(try Incident(try Self.record(.incidents, id, text: text)))
        for (slot, party) in parties.enumerated() { entityOf[Mention(kind: .incidents, id: "\(id)#\(slot)", role: .named)] = party }
    }

    /// A phone, address or representative the resolver found on `entity`.
    mutating func associate(_ entity: String, _ kind: String, _ value: String) {
        associations.append(EntityAssociationRow(kind: kind, value: value, entityID: entity))
    }

    /// A field report at a place.
    mutating func observation(_ id: String, at place: Coordinate) throws {
        let text = ["observation_id": id, "observed_at": "2026-03-02T12:00:00Z", "kind": "site_activity"]
        let record = try Self.record(.observations, id, text: text, numbers: ["lat": place.lat, "lon": place.lon])
        data.observations.append(try Observation(record))
    }

    /// A leg of `vehicle` on the road, `day` days after 2026-03-02, carrying a consignment or a
    /// transfer, arriving `arrival` minutes after departure (by default at its last fix); its fixes
    /// join the vehicle's track. Each vehicle's legs are recorded as leaving from their own point
    /// 2.2 km further south per vehicle (route 0 starts at the road's origin), so that different
    /// vehicles are on different routes, unless `route` says otherwise: stops of trips between the
    /// same two places never make a place recur.
    mutating func trip(_ legID: String, vehicle: String, consignment: String? = nil, transfer: String? = nil, _ fixes: [Road.Fix],
                       arrival: Double? = nil, day: Int = 0, route: Int? = nil) throws {
        let route = route ?? routeOfVehicle[vehicle] ?? routeOfVehicle.count
        if routeOfVehicle[vehicle] == nil { routeOfVehicle[vehicle] = route }
        let origin = Road.point(-2.2 * Double(route), 0)
        let arrival = arrival ?? fixes.last?.minutes ?? 0
        let departure = Road.t0 + Int64(day) * 86_400
        func time(_ minutes: Double) -> Int64 { departure + Int64((minutes * 60).rounded()) }
        var text = ["leg_id": legID, "vehicle_id": vehicle, "departed_at": Timestamp.format(epoch: departure),
                    "arrived_at": Timestamp.format(epoch: time(arrival))]
        text["consignment_id"] = consignment
        text["transfer_id"] = transfer
        let numbers = ["origin_lat": origin.lat, "origin_lon": origin.lon,
                       "destination_lat": Road.destination.lat, "destination_lon": Road.destination.lon]
        data.legs.append(try Leg(try Self.record(.legs, legID, text: text, numbers: numbers)))
        var track = data.tracks[vehicle] ?? Track(vehicleID: vehicle)
        for fix in fixes {
            let place = Road.point(fix.along, fix.off)
            track.append(time: time(fix.minutes), lat: place.lat, lon: place.lon, source: .gps, speedKmh: fix.kmh)
        }
        track.sort()
        data.tracks[vehicle] = track
    }

    /// A leg that turns off the road halfway to stop (see `Road.detour`).
    mutating func detourTrip(_ legID: String, vehicle: String, consignment: String? = nil, transfer: String? = nil, off: Double = 11,
                             north: Double = 0, minutes: Double = 45, kmh: Double? = 0, day: Int = 0, route: Int? = nil) throws {
        let detour = Road.detour(off: off, north: north, minutes: minutes, kmh: kmh)
        try trip(legID, vehicle: vehicle, consignment: consignment, transfer: transfer, detour.fixes, arrival: detour.arrival, day: day,
                 route: route)
    }
}

private extension AnalysisResult {
    /// The rules that fired for a consignment (none when it was not assessed).
    func fired(_ consignment: String) -> Set<String> {
        Set(consignments.first { $0.id == consignment }?.reasons.map(\.rule) ?? [])
    }

    /// A rule's reason for a consignment, when it fired.
    func reason(_ rule: String, for consignment: String) -> RiskReason? {
        consignments.first { $0.id == consignment }?.reasons.first { $0.rule == rule }
    }

    /// A rule's reason for an entity, when it fired.
    func entityReason(_ rule: String, for entity: String) -> RiskReason? {
        entities.first { $0.id == entity }?.reasons.first { $0.rule == rule }
    }

    /// The rules that fired for an entity (none when it was not assessed).
    func entityFired(_ entity: String) -> Set<String> {
        Set(entities.first { $0.id == entity }?.reasons.map(\.rule) ?? [])
    }
}

private extension RiskReason {
    /// The ids of the evidence of one kind, in order.
    func ids(_ kind: Kind) -> [String] { evidence.filter { $0.kind == kind.rawValue }.map(\.id) }
}

/// Equal up to rounding.
private func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-9 } ?? false }

/// Hand-built cases for each red-flag rule of the risk model (`Rules`): where it fires, where it
/// does not, and at or near its threshold. Every rule weighs 1 here, so a reason's contribution is
/// the rule's strength.
@Suite struct RulesTests {
    // MARK: The declaration

    @Test func aCleanDeclarationFiresNoRule() throws {
        let result = try RulesWorld.analyze { try $0.importLot("C-1") }
        #expect(result.fired("C-1").isEmpty)
        let assessment = try #require(result.consignments.first)
        #expect(close(assessment.risk, 1 / (1 + exp(-RulesWorld.everyRule.intercept))))
    }

    @Test func fentanylPrecursorFiresOnCatalogFentanylPrecursorsOnly() throws {
        let byCAS = try RulesWorld.analyze { try $0.importLot("C-1", cas: RulesWorld.npp, ["pen_reference": "PEN-1"]) }
        #expect(byCAS.fired("C-1") == ["fentanyl_precursor"])
        #expect(byCAS.reason("fentanyl_precursor", for: "C-1")?.ids(.consignments) == ["C-1"])
        // Edge: declared by a synonym alone, it resolves all the same.
        let byName = try RulesWorld.analyze { try $0.importLot("C-1", cas: nil, name: "NPP", ["pen_reference": "PEN-1"]) }
        #expect(byName.fired("C-1") == ["fentanyl_precursor"])
        // Safrole is Table I but no fentanyl precursor; soda ash is neither.
        let safrole = try RulesWorld.analyze { try $0.importLot("C-1", cas: RulesWorld.safrole, ["pen_reference": "PEN-1"]) }
        #expect(!safrole.fired("C-1").contains("fentanyl_precursor"))
        #expect(try RulesWorld.analyze { try $0.importLot("C-1") }.fired("C-1").isEmpty)
    }

    @Test func tableIPrecursorFiresForTheOtherTableIChemicals() throws {
        let safrole = try RulesWorld.analyze { try $0.importLot("C-1", cas: RulesWorld.safrole, ["pen_reference": "PEN-1"]) }
        #expect(safrole.fired("C-1") == ["table_i_precursor"])
        // Table II is not Table I.
        let acetone = try RulesWorld.analyze { try $0.importLot("C-1", cas: RulesWorld.acetone) }
        #expect(acetone.fired("C-1").isEmpty)
        // Edge: a fentanyl precursor is in Table I too, but only the stronger rule fires.
        let npp = try RulesWorld.analyze { try $0.importLot("C-1", cas: RulesWorld.npp, ["pen_reference": "PEN-1"]) }
        #expect(!npp.fired("C-1").contains("table_i_precursor"))
    }

    @Test func penMissingFiresForTableIWithoutANotification() throws {
        let missing = try RulesWorld.analyze { try $0.importLot("C-1", cas: RulesWorld.safrole) }
        #expect(missing.fired("C-1") == ["table_i_precursor", "pen_missing"])
        #expect(missing.reason("pen_missing", for: "C-1")?.ids(.consignments) == ["C-1"])
        let fentanyl = try RulesWorld.analyze { try $0.importLot("C-1", cas: RulesWorld.npp) }
        #expect(fentanyl.fired("C-1").contains("pen_missing"))
        let notified = try RulesWorld.analyze { try $0.importLot("C-1", cas: RulesWorld.safrole, ["pen_reference": "PEN-2026-0001"]) }
        #expect(!notified.fired("C-1").contains("pen_missing"))
        // Edge: a Table II chemical needs no notification.
        #expect(try RulesWorld.analyze { try $0.importLot("C-1", cas: RulesWorld.acetone) }.fired("C-1").isEmpty)
    }

    @Test func mislabellingWhenCASAndNameNameDifferentListedChemicals() throws {
        let result = try RulesWorld.analyze {
            try $0.importLot("C-1", cas: RulesWorld.npp, name: "Safrole", ["pen_reference": "PEN-1"])
            try $0.importLot("C-2", cas: RulesWorld.npp, name: "NPP", ["pen_reference": "PEN-1"])
            // Edge: the name before a parenthesis is looked up when the whole is not a catalog name.
            try $0.importLot("C-3", cas: RulesWorld.npp, name: "Safrol (sasafrás, grado técnico)", ["pen_reference": "PEN-1"])
        }
        let mismatch = try #require(result.reason("mislabelling", for: "C-1"))
        #expect(close(mismatch.contribution, 1))
        #expect(mismatch.detail == "CAS 39742-60-4 is N-phenethyl-4-piperidone (NPP) but the name says Safrole")
        #expect(mismatch.ids(.consignments) == ["C-1"])
        #expect(!result.fired("C-2").contains("mislabelling"))
        #expect(close(result.reason("mislabelling", for: "C-3")?.contribution, 1))
    }

    @Test func mislabellingWhenOnlyOneSideOfTheDeclarationIsListed() throws {
        let result = try RulesWorld.analyze {
            // A listed CAS number under a name the catalog does not know.
            try $0.importLot("C-1", cas: RulesWorld.npp, name: "Industrial solvent blend", ["pen_reference": "PEN-1"])
            // A listed name under another valid CAS number.
            try $0.importLot("C-2", cas: RulesWorld.salt, name: "Safrole", ["pen_reference": "PEN-1"])
            // Neither listed: nothing to compare.
            try $0.importLot("C-3", cas: RulesWorld.salt, name: "Sodium chloride")
        }
        let casListed = try #require(result.reason("mislabelling", for: "C-1"))
        #expect(close(casListed.contribution, 0.8))
        #expect(casListed.detail.contains("\u{201C}Industrial solvent blend\u{201D}"))
        let nameListed = try #require(result.reason("mislabelling", for: "C-2"))
        #expect(close(nameListed.contribution, 0.8))
        #expect(nameListed.detail == "the name says Safrole (CAS 94-59-7) but the CAS number is 7647-14-5")
        // The chemical resolved by its name, so the Table I rules see safrole.
        #expect(result.fired("C-2").contains("table_i_precursor"))
        #expect(result.fired("C-3").isEmpty)
    }

    @Test func mislabellingWhenTheHSCodeIsNotTheChemicals() throws {
        let result = try RulesWorld.analyze {
            try $0.importLot("C-1", cas: RulesWorld.safrole, ["pen_reference": "PEN-1", "hs_code": "2933.37"])
            try $0.importLot("C-2", cas: RulesWorld.safrole, ["pen_reference": "PEN-1", "hs_code": "2932.94"])
            // Edge: a national tariff fraction under the right subheading.
            try $0.importLot("C-3", cas: RulesWorld.safrole, ["pen_reference": "PEN-1", "hs_code": "29329401"])
            // Edge: sodium hydroxide has two subheadings; the second is as good as the first.
            try $0.importLot("C-4", cas: "1310-73-2", ["hs_code": "2815.12"])
        }
        let wrong = try #require(result.reason("mislabelling", for: "C-1"))
        #expect(close(wrong.contribution, 0.6))
        #expect(wrong.detail == "HS code 2933.37 is not one of Safrole's (2932.94)")
        for id in ["C-2", "C-3", "C-4"] { #expect(!result.fired(id).contains("mislabelling"), "\(id)") }
    }

    @Test func mislabellingWhenAnUnlistedChemicalCarriesATableISubheading() throws {
        let result = try RulesWorld.analyze {
            try $0.importLot("C-1", cas: RulesWorld.salt, name: "Sodium chloride", ["hs_code": "2933.37"])
            try $0.importLot("C-2", cas: RulesWorld.salt, name: "Sodium chloride", ["hs_code": "2501.00"])
            // Edge: the subheading of a Table II chemical (acetone) hides nothing that needs a notification.
            try $0.importLot("C-3", cas: RulesWorld.salt, name: "Sodium chloride", ["hs_code": "2914.11"])
            // Edge: a subheading five Table I chemicals share.
            try $0.importLot("C-4", cas: nil, name: "Sodium chloride", ["hs_code": "2933.39"])
        }
        let hidden = try #require(result.reason("mislabelling", for: "C-1"))
        #expect(close(hidden.contribution, 0.6))
        #expect(hidden.detail.hasPrefix("HS code 2933.37 is the subheading of N-phenethyl-4-piperidone (NPP), but"))
        #expect(!result.fired("C-2").contains("mislabelling"))
        #expect(!result.fired("C-3").contains("mislabelling"))
        let shared = try #require(result.reason("mislabelling", for: "C-4"))
        #expect(shared.detail.contains("and 4 other Table I chemical(s)"))
        #expect(shared.detail.hasSuffix("the declared chemical (Sodium chloride) is not in the catalog"))
    }

    // MARK: The importer

    @Test func unregisteredImporterFiresWithoutARegistryRowForItsEntity() throws {
        let unregistered = try RulesWorld.analyze(registered: false) { try $0.importLot("C-1") }
        #expect(unregistered.fired("C-1") == ["unregistered_importer"])
        #expect(unregistered.reason("unregistered_importer", for: "C-1")?.ids(.consignments) == ["C-1"])
        #expect(try RulesWorld.analyze { try $0.importLot("C-1") }.fired("C-1").isEmpty)
        // Edge: a registry row of the same name that the resolver put in another entity is not the importer's.
        let elsewhere = try RulesWorld.analyze(registered: false) {
            try $0.organization("IMP-2", id: "O-IMP")
            try $0.importLot("C-1")
        }
        #expect(elsewhere.fired("C-1") == ["unregistered_importer"])
    }

    @Test func newImporterFiresWithinAYearOfRegistration() throws {
        func fired(registered: String?) throws -> Set<String> {
            try RulesWorld.analyze(registered: false) {
                try $0.organization("IMP", registered: registered)
                try $0.importLot("C-1", on: "2026-03-02")
            }.fired("C-1")
        }
        let young = try RulesWorld.analyze(registered: false) {
            try $0.organization("IMP", registered: "2026-01-15")
            try $0.importLot("C-1", on: "2026-03-02")
        }
        let reason = try #require(young.reason("new_importer", for: "C-1"))
        #expect(reason.detail == "the importer was registered 46 days before the arrival")
        #expect(close(reason.contribution, 1))
        #expect(reason.ids(.consignments) == ["C-1"] && reason.ids(.organizations) == ["O-IMP"])
        #expect(try fired(registered: "2010-05-01").isEmpty)
        #expect(try fired(registered: nil).isEmpty)
        // Edges: 364 days before fires, 365 does not; registered on the day fires, and so does a
        // company registered only after its goods arrived.
        #expect(try fired(registered: "2025-03-03") == ["new_importer"])
        #expect(try fired(registered: "2025-03-02").isEmpty)
        #expect(try fired(registered: "2026-03-02") == ["new_importer"])
        let late = try RulesWorld.analyze(registered: false) {
            try $0.organization("IMP", registered: "2026-03-03")
            try $0.importLot("C-1", on: "2026-03-02")
        }
        #expect(late.reason("new_importer", for: "C-1")?.detail == "the importer was registered 1 day after the arrival")
        #expect(close(late.reason("new_importer", for: "C-1")?.contribution, 1))
    }

    /// Fronts import within weeks of being set up, honest young companies later: full strength up
    /// to 120 days after registration, then down linearly to 0.3 at 365 days.
    @Test func newImporterWeakensWithTheCompanysAge() throws {
        func strength(registered: String) throws -> Double? {
            try RulesWorld.analyze(registered: false) {
                try $0.organization("IMP", registered: registered)
                try $0.importLot("C-1", on: "2026-03-02")
            }.reason("new_importer", for: "C-1")?.contribution
        }
        #expect(close(try strength(registered: "2025-11-02"), 1))          // 120 days
        #expect(close(try strength(registered: "2025-10-31"), 1 - 0.7 * 2 / 245))   // 122 days
        #expect(close(try strength(registered: "2025-06-09"), 1 - 0.7 * 146 / 245)) // 266 days
        #expect(close(try strength(registered: "2025-03-03"), 1 - 0.7 * 244 / 245)) // 364 days
        // The floor and the full span are the configuration's.
        var config = RulesWorld.everyRule
        config.newCompanyFullDays = 300
        config.newCompanyFloor = 0.5
        let older = try RulesWorld.analyze(registered: false, config: config) {
            try $0.organization("IMP", registered: "2025-03-03")
            try $0.importLot("C-1", on: "2026-03-02")
        }
        #expect(close(older.reason("new_importer", for: "C-1")?.contribution, 1 - 0.5 * 64 / 65))
    }

    @Test func taxIDProblemFiresOnAMissingOrBrokenRFC() throws {
        func reason(_ taxID: String?) throws -> RiskReason? {
            try RulesWorld.analyze { try $0.importLot("C-1", ["importer_tax_id": taxID]) }.reason("tax_id_problem", for: "C-1")
        }
        #expect(try reason(RulesWorld.validRFC) == nil)
        #expect(close(try reason(nil)?.contribution, 0.7))
        #expect(try reason(nil)?.detail == "the declaration gives no importer tax id")
        // One off in the check digit, and an impossible date.
        #expect(close(try reason("SAT970701NN4")?.contribution, 1))
        #expect(close(try reason("SAT971301NN3")?.contribution, 1))
        // Edge: lower case, hyphens and spaces are only how it was written.
        #expect(try reason("sat-970701 nn3") == nil)
    }

    @Test func unknownAddressFiresWhenNeitherDeclarationNorRegistryHasOne() throws {
        let unknown = try RulesWorld.analyze(registered: false) {
            try $0.organization("IMP", address: nil)
            try $0.importLot("C-1", ["importer_address": nil])
        }
        #expect(unknown.fired("C-1") == ["unknown_address"])
        #expect(try RulesWorld.analyze { try $0.importLot("C-1") }.fired("C-1").isEmpty)
        // Edge: the registry's address is enough.
        let registryOnly = try RulesWorld.analyze { try $0.importLot("C-1", ["importer_address": nil]) }
        #expect(registryOnly.fired("C-1").isEmpty)
        let unregistered = try RulesWorld.analyze(registered: false) { try $0.importLot("C-1", ["importer_address": nil]) }
        #expect(unregistered.fired("C-1") == ["unregistered_importer", "unknown_address"])
    }

    @Test func residentialAddressFiresOnResidentialMarkers() throws {
        func fired(declared: String, registry: String = "Av. Industria 100, Monterrey") throws -> Set<String> {
            try RulesWorld.analyze(registered: false) {
                try $0.organization("IMP", address: registry)
                try $0.importLot("C-1", ["importer_address": declared])
            }.fired("C-1")
        }
        #expect(try fired(declared: "Fracc. Las Palmas, Casa 12, Culiacán") == ["residential_address"])
        #expect(try fired(declared: "UNIDAD HABITACIONAL Tlatelolco, Edificio 4") == ["residential_address"])
        #expect(try fired(declared: "Av. Industria 100, Monterrey").isEmpty)
        // Edge: the registry's address counts too.
        #expect(try fired(declared: "Av. Industria 100, Monterrey", registry: "Privada de los Pinos 4, Tijuana") == ["residential_address"])
        // Edge: "casa" inside a word is no house.
        #expect(try fired(declared: "Bodega Casablanca, Carretera 57 km 3").isEmpty)
    }

    @Test func transshipmentFiresWhenLoadedInAHubOutsideTheExportersCountry() throws {
        func fired(_ origin: String, exporter: String?) throws -> Set<String> {
            try RulesWorld.analyze { try $0.importLot("C-1", ["origin_port_locode": origin, "exporter_country": exporter]) }.fired("C-1")
        }
        #expect(try fired("PAMIT", exporter: "CN") == ["transshipment"])
        #expect(try fired("CNSHA", exporter: "CN").isEmpty)
        // Edges: a hub country's own exports are no transshipment; an unknown exporter's are.
        #expect(try fired("PAMIT", exporter: "PA").isEmpty)
        #expect(try fired("SGSIN", exporter: nil) == ["transshipment"])
    }

    // MARK: The importer's pattern of imports

    @Test func structuringFiresOnFourSmallLotsWithin45Days() throws {
        func lots(_ dates: [String], kg: [Double] = [25, 25, 25, 25], ports: [String] = ["MXZLO"]) throws -> AnalysisResult {
            try RulesWorld.analyze {
                for (index, date) in dates.enumerated() {
                    try $0.importLot("C-\(index + 1)", on: date, kg: kg[index], port: ports[index % ports.count])
                }
            }
        }
        let onePort = try lots(["2026-03-01", "2026-03-11", "2026-03-21", "2026-03-31"])
        let reason = try #require(onePort.reason("structuring", for: "C-1"))
        #expect(close(reason.contribution, 0.6))
        #expect(reason.ids(.consignments) == ["C-1", "C-2", "C-3", "C-4"])
        #expect(["C-2", "C-3", "C-4"].allSatisfy { onePort.fired($0).contains("structuring") })
        let twoPorts = try lots(["2026-03-01", "2026-03-11", "2026-03-21", "2026-03-31"], ports: ["MXZLO", "MXVER"])
        #expect(close(twoPorts.reason("structuring", for: "C-1")?.contribution, 1))
        let three = try lots(["2026-03-01", "2026-03-11", "2026-03-21"])
        #expect((1...3).allSatisfy { !three.fired("C-\($0)").contains("structuring") })
        // Edge: 45 days apart is within the window, 46 is not.
        let within = try lots(["2026-03-01", "2026-03-16", "2026-03-31", "2026-04-15"])
        #expect(within.fired("C-1").contains("structuring") && within.fired("C-4").contains("structuring"))
        let beyond = try lots(["2026-03-01", "2026-03-16", "2026-03-31", "2026-04-16"])
        #expect(beyond.fired("C-2").contains("structuring") && beyond.fired("C-3").contains("structuring"))
        #expect(!beyond.fired("C-1").contains("structuring") && !beyond.fired("C-4").contains("structuring"))
        // Edge: 30 kg is small, 30.5 kg is not (and does not count towards the others).
        let heavy = try lots(["2026-03-01", "2026-03-11", "2026-03-21", "2026-03-31"], kg: [30, 30, 30, 30])
        #expect(heavy.fired("C-1").contains("structuring"))
        let heavier = try lots(["2026-03-01", "2026-03-11", "2026-03-21", "2026-03-31"], kg: [30, 30, 30, 30.5])
        #expect((1...4).allSatisfy { !heavier.fired("C-\($0)").contains("structuring") })
    }

    /// Structuring is a burst: a party that also imports the chemical steadily, three times or more
    /// further than 90 days (2 × 45) from the lot, buys small lots as a habit, and the rule does not
    /// fire for it.
    @Test func structuringIsABurstNotAHabit() throws {
        let burst = ["2026-06-01", "2026-06-11", "2026-06-21", "2026-07-01"]
        func lots(_ earlier: [String], config: RiskConfig = RulesWorld.everyRule) throws -> AnalysisResult {
            try RulesWorld.analyze(config: config) {
                for (index, date) in (earlier + burst).enumerated() {
                    try $0.importLot("C-\(index + 1)", on: date, kg: 20)
                }
            }
        }
        let habit = try lots(["2026-01-05", "2026-02-05", "2026-03-01"])
        #expect((4...7).allSatisfy { !habit.fired("C-\($0)").contains("structuring") })
        // Edges: two earlier lots are not yet a habit; a lot 90 days before the first of the burst
        // is not far enough from it (91 is).
        let two = try lots(["2026-01-05", "2026-02-05"])
        #expect((3...6).allSatisfy { two.fired("C-\($0)").contains("structuring") })
        let near = try lots(["2026-01-05", "2026-02-05", "2026-03-03"])
        #expect(near.fired("C-4").contains("structuring"))
        let far = try lots(["2026-01-05", "2026-02-05", "2026-03-02"])
        #expect(!far.fired("C-4").contains("structuring"))
        // With the exception off (0), the burst is structuring whatever came before.
        var config = RulesWorld.everyRule
        config.structuringSteadyCount = 0
        #expect(try lots(["2026-01-05", "2026-02-05", "2026-03-01"], config: config).fired("C-4").contains("structuring"))
    }

    @Test func unusualQuantityFiresFarFromTheImportersOtherLots() throws {
        // Four other lots with log kg = log 100 ± 1: mean log 100, standard deviation √(4/3).
        let sd = (4.0 / 3).squareRoot()
        func world(_ kg: Double, others: [Double] = [100 * exp(1), 100 / exp(1), 100 * exp(1), 100 / exp(1)]) throws -> RulesWorld {
            var world = RulesWorld()
            try world.organization("IMP")
            for (index, other) in others.enumerated() { try world.importLot("C-\(index + 1)", on: "2025-0\(index + 1)-10", kg: other) }
            try world.importLot("C-X", on: "2026-03-02", kg: kg)
            return world
        }
        let big = try world(100 * exp(2.6 * sd)).analyze()
        #expect(big.fired("C-X") == ["unusual_quantity"])
        #expect(big.reason("unusual_quantity", for: "C-X")?.ids(.consignments) == ["C-X"])
        #expect(try world(100 * exp(-2.6 * sd)).analyze().fired("C-X") == ["unusual_quantity"])
        #expect(try world(100).analyze().fired("C-X").isEmpty)
        // Edges: z = 2.4 is usual; with only three other lots there is no history to judge by.
        #expect(try world(100 * exp(2.4 * sd)).analyze().fired("C-X").isEmpty)
        #expect(try world(100_000, others: [100, 120, 90]).analyze().fired("C-X").isEmpty)
        // Identical earlier lots: no spread, yet ten times the usual lot is unusual and 5 % more is not.
        #expect(try world(1_000, others: [100, 100, 100, 100]).analyze().fired("C-X") == ["unusual_quantity"])
        #expect(try world(105, others: [100, 100, 100, 100]).analyze().fired("C-X").isEmpty)
        // Its fitted weight is 0: the standard model computes it but never lists it.
        #expect(try world(100 * exp(2.6 * sd)).analyze(config: .standard).fired("C-X").isEmpty)
    }

    // MARK: Incidents

    @Test func namedInIncidentFiresForTheImporterOrADirectBuyer() throws {
        /// IMP imports 100 kg and sells `kg` to BUY, who sells 5 kg on to FAR.
        func chain(_ kg: Double, named: [String]) throws -> AnalysisResult {
            try RulesWorld.analyze {
                try $0.importLot("C-1", on: "2026-02-01", kg: 100)
                try $0.sell("T-1", from: "IMP", to: "BUY", on: "2026-02-10", kg: kg)
                try $0.sell("T-2", from: "BUY", to: "FAR", on: "2026-02-20", kg: min(kg, 5))
                if !named.isEmpty { try $0.incident("INC-1", naming: named) }
            }
        }
        let importer = try #require(try chain(40, named: ["IMP"]).reason("named_in_incident", for: "C-1"))
        #expect(close(importer.contribution, 1))
        #expect(importer.ids(.incidents) == ["INC-1"])
        let buyer = try #require(try chain(40, named: ["BUY"]).reason("named_in_incident", for: "C-1"))
        #expect(close(buyer.contribution, 0.4))
        #expect(buyer.ids(.incidents) == ["INC-1"])
        #expect(try chain(40, named: []).fired("C-1").isEmpty)
        // A buyer's buyer is too far; a second slot of the same incident is found as well as the first.
        #expect(try chain(40, named: ["FAR"]).fired("C-1").isEmpty)
        #expect(close(try chain(40, named: ["NOBODY", "BUY"]).reason("named_in_incident", for: "C-1")?.contribution, 0.4))
        // Edge: half a kilo does not make a direct buyer, a little more does.
        #expect(try chain(0.5, named: ["BUY"]).fired("C-1").isEmpty)
        #expect(try chain(0.6, named: ["BUY"]).fired("C-1") == ["named_in_incident"])
    }

    @Test func associatedWithIncidentPartyFiresOnASharedPhoneAddressOrRepresentative() throws {
        func world(named: Bool, kind: String = "phone", buyer: Bool = false) throws -> AnalysisResult {
            try RulesWorld.analyze {
                try $0.importLot("C-1", on: "2026-02-01", kg: 100)
                try $0.sell("T-1", from: "IMP", to: "BUY", on: "2026-02-10", kg: 40)
                $0.associate(buyer ? "BUY" : "IMP", "phone", "+52 55 5555 0101")
                $0.associate("BAD", kind, "+52 55 5555 0101")
                if named { try $0.incident("INC-7", naming: ["BAD"]) }
            }
        }
        let shared = try #require(try world(named: true).reason("associated_with_incident_party", for: "C-1"))
        #expect(close(shared.contribution, 1))
        #expect(shared.detail == "the importer shares a phone with a party named in an incident")
        #expect(shared.ids(.incidents) == ["INC-7"])
        #expect(close(try world(named: true, buyer: true).reason("associated_with_incident_party", for: "C-1")?.contribution, 0.5))
        #expect(try world(named: false).fired("C-1").isEmpty)
        // Edge: the same text as another kind of association is no link.
        #expect(try world(named: true, kind: "address").fired("C-1").isEmpty)
    }

    // MARK: Books

    @Test func massBalanceGapFiresOnAFlaggedGapAfterTheArrival() throws {
        /// 500 kg arrive on 2026-03-02; the quarter's report declares no use and `stock` at its end.
        func reason(stock: Double) throws -> RiskReason? {
            try RulesWorld.analyze {
                try $0.importLot("C-1", on: "2026-03-02", kg: 500)
                try $0.report("R-1", by: "IMP", consumed: 0, stockEnd: stock)
            }.reason("mass_balance_gap", for: "C-1")
        }
        let gap = try #require(try reason(stock: 400))
        #expect(close(gap.contribution, 1))
        #expect(gap.ids(.consignments) == ["C-1"] && gap.ids(.usageReports) == ["R-1"])
        #expect(try reason(stock: 500) == nil)
        // Edge: the tolerance is 3 % of 500 kg; a gap of 15 kg is within it, 16 kg is not (strength 16 / 15 / 3).
        #expect(try reason(stock: 485) == nil)
        #expect(close(try reason(stock: 484)?.contribution, 16.0 / 15 / 3))
        // Edge: a gap in a period that ended before the arrival belongs to older lots.
        let earlier = try RulesWorld.analyze {
            try $0.importLot("C-0", on: "2025-11-15", kg: 200)
            try $0.report("R-0", by: "IMP", from: "2025-10-01", to: "2025-12-31", consumed: 0, stockEnd: 0)
            try $0.importLot("C-1", on: "2026-03-02", kg: 500)
            try $0.report("R-1", by: "IMP", consumed: 0, stockEnd: 500)
        }
        #expect(earlier.fired("C-0").contains("mass_balance_gap"))
        #expect(!earlier.fired("C-1").contains("mass_balance_gap"))
    }

    @Test func missingUsageReportFiresOnceOverdueByTheEndOfTheData() throws {
        /// A licensed importer (it reports acetone) receives soda ash in the first quarter and files
        /// nothing for it; the data end with another party's import on `end`.
        func fired(end: String, licensed: Bool = true) throws -> AnalysisResult {
            try RulesWorld.analyze {
                try $0.importLot("C-1", on: "2026-02-10", kg: 100)
                if licensed { try $0.report("R-A", by: "IMP", cas: RulesWorld.acetone, consumed: 0, stockEnd: 0) }
                try $0.importLot("C-END", by: "OTHER", on: end, kg: 100, cas: RulesWorld.acetone)
            }
        }
        let overdue = try fired(end: "2026-05-15")
        let reason = try #require(overdue.reason("missing_usage_report", for: "C-1"))
        #expect(close(reason.contribution, 0.5))
        #expect(reason.ids(.consignments) == ["C-1"])
        #expect(overdue.fired("C-1") == ["missing_usage_report"])
        // Edge: 45 days after the quarter's end (2026-03-31) is overdue, 44 is not yet.
        #expect(try fired(end: "2026-05-14").fired("C-1").isEmpty)
        // A party that files no report at all is not licensed: nothing is missing from it.
        #expect(try fired(end: "2026-09-30", licensed: false).fired("C-1").isEmpty)
    }

    @Test func resellerConsumptionFiresWhenADistributorDeclaresUseOfWhatItReceived() throws {
        /// IMP imports soda ash and sells it all to DIST on 2026-02-20; DIST reports the chemical for a period.
        func world(type: String = "distributor", consumed: Double = 40, until end: String = "2026-03-31", cas: String = RulesWorld.sodaAsh,
                   alsoManufacturer: Bool = false) throws -> AnalysisResult {
            try RulesWorld.analyze {
                try $0.importLot("C-1", on: "2026-02-10", kg: 100)
                try $0.sell("T-1", from: "IMP", to: "DIST", on: "2026-02-20", kg: 100)
                try $0.organization("DIST", type: type)
                if alsoManufacturer { try $0.organization("DIST", id: "O-DIST-2", type: "manufacturer") }
                try $0.report("R-D", by: "DIST", to: end, cas: cas, consumed: consumed, stockEnd: 100 - consumed)
            }
        }
        let result = try world()
        let reason = try #require(result.reason("reseller_consumption", for: "C-1"))
        #expect(close(reason.contribution, 1))
        #expect(reason.ids(.usageReports) == ["R-D"] && reason.ids(.organizations) == ["O-DIST"])
        #expect(reason.detail.hasPrefix("DIST, registered as a reseller, declared 40.0 kg consumed in R-D"))
        #expect(try world(type: "broker").fired("C-1").contains("reseller_consumption"))
        #expect(!(try world(consumed: 0).fired("C-1").contains("reseller_consumption")))
        #expect(!(try world(type: "manufacturer").fired("C-1").contains("reseller_consumption")))
        #expect(!(try world(cas: RulesWorld.acetone).fired("C-1").contains("reseller_consumption")))
        #expect(!(try world(alsoManufacturer: true).fired("C-1").contains("reseller_consumption")))
        // Edge: a period ending on the day of the receipt covers it; one ending the day before does not.
        #expect(try world(until: "2026-02-20").fired("C-1").contains("reseller_consumption"))
        #expect(!(try world(until: "2026-02-19").fired("C-1").contains("reseller_consumption")))
        // The importer itself, registered as a broker, receives the lot on its arrival.
        let importer = try RulesWorld.analyze(registered: false) {
            try $0.organization("IMP", type: "broker")
            try $0.importLot("C-1", on: "2026-02-10", kg: 100)
            try $0.report("R-I", by: "IMP", consumed: 10, stockEnd: 90)
        }
        #expect(importer.reason("reseller_consumption", for: "C-1")?.ids(.usageReports) == ["R-I"])
    }

    // MARK: Trips

    /// The analysis of a world where IMP imports C-1 (100 kg) on 2026-03-02, after `build`.
    fileprivate static func withLot(_ build: (inout RulesWorld) throws -> Void) throws -> AnalysisResult {
        try RulesWorld.analyze {
            try $0.importLot("C-1", on: "2026-03-02", kg: 100)
            try build(&$0)
        }
    }

    /// The analysis of a world where C-1 (see `withLot`) travels on leg L-1 of V-1 along `fixes`.
    fileprivate static func importTrip(_ fixes: [Road.Fix]) throws -> AnalysisResult {
        try withLot { try $0.trip("L-1", vehicle: "V-1", consignment: "C-1", fixes) }
    }

    @Test func routeDeviationFiresOnADwellOrAnOffCorridorRunOfTheLotsFirstTrips() throws {
        let dwell = try Self.withLot { try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1") }
        let reason = try #require(dwell.reason("route_deviation", for: "C-1"))
        #expect(close(reason.contribution, 1))
        #expect(reason.ids(.legs) == ["L-1"] && reason.ids(.trackPoints).count == 3)
        #expect(dwell.fired("C-1") == ["route_deviation"])
        let honest = try Self.importTrip(Road.honest())
        #expect(honest.fired("C-1").isEmpty)
        // Driving 15 km off a 12 km corridor without stopping.
        let offCorridor = try Self.withLot { try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1", off: 15, minutes: 0, kmh: nil) }
        #expect(close(offCorridor.reason("route_deviation", for: "C-1")?.contribution, 0.6))
        // Edges: 20 minutes is no dwell, and a dwell at a registered site is a visit.
        #expect(try Self.withLot { try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1", minutes: 20) }.fired("C-1").isEmpty)
        let visit = try Self.withLot {
            try $0.organization("YARD", at: Road.point(50, 11))
            try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1")
        }
        #expect(visit.fired("C-1").isEmpty)
        // A first sale's trip counts; a trip of a buyer's buyer does not.
        let firstSale = try Self.withLot {
            try $0.sell("T-1", from: "IMP", to: "BUY", on: "2026-03-05", kg: 50)
            try $0.detourTrip("L-1", vehicle: "V-1", transfer: "T-1")
        }
        #expect(firstSale.reason("route_deviation", for: "C-1")?.ids(.legs) == ["L-1"])
        let secondSale = try Self.withLot {
            try $0.sell("T-1", from: "IMP", to: "BUY", on: "2026-03-05", kg: 50)
            try $0.sell("T-2", from: "BUY", to: "FAR", on: "2026-03-08", kg: 20)
            try $0.detourTrip("L-2", vehicle: "V-1", transfer: "T-2")
        }
        #expect(!secondSale.fired("C-1").contains("route_deviation"))
    }

    @Test func recurringStopFiresWhereTwoOtherVehiclesAlsoStopped() throws {
        let stop = Road.point(50, 11)
        let result = try Self.withLot {
            try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1")
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2")
            try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3", day: 3)
        }
        let reason = try #require(result.reason("recurring_stop", for: "C-1"))
        #expect(close(reason.contribution, 2.0 / 3))
        #expect(reason.ids(.legs) == ["L-1", "L-2", "L-3"])
        #expect(reason.ids(.trackPoints).count == 2 && reason.ids(.trackPoints).allSatisfy { $0.hasPrefix("V-1@") })
        #expect(reason.ids(.observations).isEmpty)
        // A field report at the place adds half a vehicle; one 2 km away adds nothing.
        let reported = try Self.withLot {
            try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1")
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2")
            try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3")
            try $0.observation("OBS-1", at: Coordinate(lat: stop.lat + 0.0003, lon: stop.lon))
            try $0.observation("OBS-2", at: Road.point(52, 11))
        }
        let withReport = try #require(reported.reason("recurring_stop", for: "C-1"))
        #expect(close(withReport.contribution, 2.5 / 3))
        #expect(withReport.ids(.observations) == ["OBS-1"])
    }

    @Test func recurringStopNeedsTwoOtherVehiclesWithin100Metres() throws {
        func fired(_ others: (inout RulesWorld) throws -> Void) throws -> Set<String> {
            try Self.withLot {
                try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1")
                try others(&$0)
            }.fired("C-1")
        }
        #expect(try !fired { try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2") }.contains("recurring_stop"))
        // One vehicle twice is one vehicle; the lot's own vehicle on another day does not count either.
        #expect(try !fired {
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2")
            try $0.detourTrip("L-2b", vehicle: "V-2", consignment: "C-4", day: 1)
            try $0.detourTrip("L-1b", vehicle: "V-1", consignment: "C-5", day: 2)
        }.contains("recurring_stop"))
        // Edge: 80 m away is the same place, 120 m is not.
        #expect(try fired {
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2")
            try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3", north: 0.08)
        }.contains("recurring_stop"))
        #expect(try !fired {
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2")
            try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3", north: 0.12)
        }.contains("recurring_stop"))
    }

    @Test func recurringStopCountsReportedStationaryFixesAndOnlyStopsThatCostADetour() throws {
        // The other vehicles only report one fix at 0 km/h there (a stop, not a dwell).
        let stops = try Self.withLot {
            try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1")
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2", minutes: 0)
            try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3", minutes: 0)
        }
        #expect(stops.reason("recurring_stop", for: "C-1")?.ids(.legs) == ["L-1", "L-2", "L-3"])
        // Edge: the same fix moving at 40 km/h is no stop.
        let moving = try Self.withLot {
            try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1")
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2", minutes: 0, kmh: 40)
            try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3", minutes: 0, kmh: 40)
        }
        #expect(!moving.fired("C-1").contains("recurring_stop"))
        // Edge: 500 m off the road at its midpoint costs no detour: a rest on the way, however many
        // vehicles take it there (the dwell is still evidence of its own).
        let onTheWay = try Self.withLot {
            try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1", off: 0.5)
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2", off: 0.5)
            try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3", off: 0.5)
        }
        #expect(onTheWay.fired("C-1") == ["route_deviation"])
        // Edge: 9.9 km east of the midpoint adds 1.94 km to the trip, short of the 2 km that make a
        // detour (11 km, as everywhere else here, adds 2.39 km).
        let justShort = try Self.withLot {
            try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1", off: 9.9)
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2", off: 9.9)
            try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3", off: 9.9)
        }
        #expect(justShort.fired("C-1") == ["route_deviation"])
        // A trip that carried part of the lot at any depth counts.
        let deep = try Self.withLot {
            try $0.sell("T-1", from: "IMP", to: "BUY", on: "2026-03-03", kg: 50)
            try $0.sell("T-2", from: "BUY", to: "FAR", on: "2026-03-04", kg: 20)
            try $0.detourTrip("L-1", vehicle: "V-1", transfer: "T-2")
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2")
            try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3")
        }
        #expect(deep.fired("C-1") == ["recurring_stop"])
    }

    @Test func recurringStopIgnoresTripsOnTheSameRouteAndCountsTheSameSpotOnTheWay() throws {
        // Three vehicles between the same two places stop at the same spot: chance on a shared road.
        let sameRoute = try Self.withLot {
            try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1", route: 0)
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2", route: 0)
            try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3", route: 0)
        }
        #expect(sameRoute.fired("C-1") == ["route_deviation"])
        // A spot on the way (no detour) where three other vehicles on other routes stopped within
        // 50 m is one place; two others, or the third 80 m away, are not enough.
        func onTheWay(others: Int, lastNorth: Double = 0) throws -> Set<String> {
            try Self.withLot {
                try $0.detourTrip("L-1", vehicle: "V-1", consignment: "C-1", off: 0.5)
                for other in 1...others {
                    try $0.detourTrip("L-\(other + 1)", vehicle: "V-\(other + 1)", consignment: "C-\(other + 1)", off: 0.5,
                                      north: other == others ? lastNorth : 0)
                }
            }.fired("C-1")
        }
        #expect(try onTheWay(others: 3) == ["route_deviation", "recurring_stop"])
        #expect(try onTheWay(others: 2) == ["route_deviation"])
        #expect(try onTheWay(others: 3, lastNorth: 0.08) == ["route_deviation"])
    }

    @Test func holderRecurringStopFiresOnTheHoldersOwnTripsSoonAfterReceipt() throws {
        /// IMP receives the lot on 2026-03-02 and, on `date`, sends acetone on a trip that stops
        /// where two other vehicles stopped.
        func result(sentOn date: String) throws -> AnalysisResult {
            try Self.withLot {
                try $0.sell("T-H", from: "IMP", to: "LAB", on: date, kg: 10, cas: RulesWorld.acetone)
                try $0.detourTrip("L-H", vehicle: "V-1", transfer: "T-H")
                try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2")
                try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3")
            }
        }
        let soon = try result(sentOn: "2026-03-12")
        let reason = try #require(soon.reason("holder_recurring_stop", for: "C-1"))
        #expect(close(reason.contribution, 2.0 / 3))
        #expect(reason.ids(.legs) == ["L-H", "L-2", "L-3"])
        #expect(soon.fired("C-1") == ["holder_recurring_stop"])
        // Edges: 30 days after the receipt is soon, 31 is not, and a trip before it is not the lot's holder's.
        #expect(try result(sentOn: "2026-04-01").fired("C-1") == ["holder_recurring_stop"])
        #expect(try result(sentOn: "2026-04-02").fired("C-1").isEmpty)
        #expect(try result(sentOn: "2026-03-01").fired("C-1").isEmpty)
        // A trip that carried the lot itself is `recurring_stop`'s, not this rule's.
        let carrying = try Self.withLot {
            try $0.sell("T-H", from: "IMP", to: "LAB", on: "2026-03-12", kg: 10)
            try $0.detourTrip("L-H", vehicle: "V-1", transfer: "T-H")
            try $0.detourTrip("L-2", vehicle: "V-2", consignment: "C-2")
            try $0.detourTrip("L-3", vehicle: "V-3", consignment: "C-3")
        }
        #expect(carrying.fired("C-1") == ["recurring_stop", "route_deviation"])
    }

    @Test func trackingGapFiresOnMoreThan75MinutesWithoutAFix() throws {
        let dark = try Self.importTrip(Road.dark(from: 20, gap: 76, arrival: 180))
        #expect(dark.fired("C-1") == ["tracking_gap"])
        #expect(dark.reason("tracking_gap", for: "C-1")?.ids(.legs) == ["L-1"])
        let honest = try Self.importTrip(Road.honest())
        #expect(honest.fired("C-1").isEmpty)
        // Edge: exactly 75 minutes without a fix is no gap.
        let edge = try Self.importTrip(Road.dark(from: 20, gap: 75, arrival: 180))
        #expect(edge.fired("C-1").isEmpty)
    }

    @Test func darkStopFiresWhenAGapLastsLongerThanTheDriveAcrossIt() throws {
        // 60 km between the fixes either side of the gap take 60 × 1.35 / 70 h ≈ 69.4 minutes to drive.
        let needed = 60 * 1.35 / 70 * 60
        let hidden = try Self.importTrip(Road.dark(from: 10, gap: 100, to: 70, arrival: 150))
        #expect(hidden.fired("C-1") == ["tracking_gap", "dark_stop"])
        let reason = try #require(hidden.reason("dark_stop", for: "C-1"))
        #expect(abs(reason.contribution - (100 - needed) / 60) < 1e-6)
        #expect(reason.ids(.legs) == ["L-1"])
        #expect(reason.ids(.trackPoints) == ["V-1@2026-03-02T08:10:00Z", "V-1@2026-03-02T09:50:00Z"])
        // A gap the drive fills is a coverage hole, not a stop.
        let driving = try Self.importTrip(Road.dark(from: 10, gap: 100, arrival: 150))
        #expect(driving.fired("C-1") == ["tracking_gap"])
        // Edge: 20.6 minutes beyond the drive is a stop, 19.6 is not.
        let over = try Self.importTrip(Road.dark(from: 10, gap: 90, to: 70, arrival: 150))
        #expect(over.fired("C-1").contains("dark_stop"))
        let under = try Self.importTrip(Road.dark(from: 10, gap: 89, to: 70, arrival: 150))
        #expect(under.fired("C-1") == ["tracking_gap"])
    }

    @Test func lateArrivalFiresBeyondTheRoadAllowance() throws {
        let late = try Self.importTrip(Road.honest(arrival: 236))
        #expect(late.fired("C-1") == ["late_arrival"])
        #expect(late.reason("late_arrival", for: "C-1")?.ids(.legs) == ["L-1"])
        // Edge: the allowance is 235.7 minutes.
        #expect(235 < Road.allowedMinutes && Road.allowedMinutes < 236)
        let inTime = try Self.importTrip(Road.honest(arrival: 235))
        #expect(inTime.fired("C-1").isEmpty)
    }

    @Test func darkAndLateFiresOnOneTripThatWentDarkAndArrivedLate() throws {
        let both = try Self.importTrip(Road.dark(from: 10, gap: 80, arrival: 300))
        #expect(both.fired("C-1") == ["dark_and_late", "tracking_gap", "late_arrival"])
        let reason = try #require(both.reason("dark_and_late", for: "C-1"))
        #expect(reason.ids(.legs) == ["L-1"])
        #expect(reason.ids(.trackPoints) == ["V-1@2026-03-02T08:10:00Z", "V-1@2026-03-02T09:30:00Z"])
        // Edge: dark on one trip and late on another is not one trip that went dark and arrived late.
        let apart = try Self.withLot {
            try $0.sell("T-1", from: "IMP", to: "BUY", on: "2026-03-05", kg: 50)
            try $0.trip("L-1", vehicle: "V-1", consignment: "C-1", Road.dark(from: 10, gap: 80, arrival: 200))
            try $0.trip("L-2", vehicle: "V-2", transfer: "T-1", Road.honest(arrival: 300), day: 3)
        }
        #expect(apart.fired("C-1") == ["tracking_gap", "late_arrival"])
        // A trip of a buyer's buyer: dark and late counts every trip that carried the lot; gaps and
        // delays alone only the import and the first sales.
        let deep = try Self.withLot {
            try $0.sell("T-1", from: "IMP", to: "BUY", on: "2026-03-05", kg: 50)
            try $0.sell("T-2", from: "BUY", to: "FAR", on: "2026-03-08", kg: 20)
            try $0.trip("L-2", vehicle: "V-2", transfer: "T-2", Road.dark(from: 10, gap: 80, arrival: 300), day: 6)
        }
        #expect(deep.fired("C-1") == ["dark_and_late"])
    }

    // MARK: Entities

    @Test func entitiesNamedInAnIncidentScoreForIt() throws {
        let result = try RulesWorld.analyze {
            try $0.importLot("C-1")
            try $0.incident("INC-1", naming: ["BAD", "WORSE"])
            try $0.incident("INC-2", naming: ["BAD"])
        }
        let bad = try #require(result.entityReason("named_in_incident", for: "BAD"))
        #expect(close(bad.contribution, 1))
        #expect(bad.ids(.incidents) == ["INC-1", "INC-2"])
        #expect(result.entityReason("named_in_incident", for: "WORSE")?.ids(.incidents) == ["INC-1"])
        #expect(!result.entityFired("IMP").contains("named_in_incident"))
    }

    @Test func entitiesAssociatedWithANamedPartyScoreForIt() throws {
        let result = try RulesWorld.analyze {
            try $0.importLot("C-1")
            $0.associate("IMP", "representative", "JUAN PEREZ LOPEZ")
            $0.associate("BAD", "representative", "JUAN PEREZ LOPEZ")
            $0.associate("GOOD", "representative", "MARIA GARCIA")
            $0.associate("OTHER", "representative", "MARIA GARCIA")
            try $0.incident("INC-1", naming: ["BAD"])
        }
        let reason = try #require(result.entityReason("associated_with_incident_party", for: "IMP"))
        #expect(reason.detail == "shares a representative (JUAN PEREZ LOPEZ) with a party named in an incident")
        #expect(reason.ids(.incidents) == ["INC-1"])
        // The named party itself shares nothing with a named party; the other pair shares with nobody named.
        #expect(result.entityFired("BAD") == ["named_in_incident"])
        #expect(result.entityFired("GOOD").isEmpty && result.entityFired("OTHER").isEmpty)
    }

    @Test func resellersDeclaringConsumptionScoreForItAsEntities() throws {
        let result = try RulesWorld.analyze {
            try $0.organization("DIST", type: "distributor")
            try $0.organization("MAKER")
            try $0.report("R-1", by: "DIST", consumed: 12, stockEnd: 0)
            try $0.report("R-2", by: "DIST", from: "2026-04-01", to: "2026-06-30", consumed: 30, stockEnd: 0)
            try $0.report("R-3", by: "DIST", from: "2026-07-01", to: "2026-09-30", consumed: 0, stockEnd: 0)
            try $0.report("R-4", by: "MAKER", consumed: 500, stockEnd: 0)
        }
        let reason = try #require(result.entityReason("reseller_consumption", for: "DIST"))
        #expect(close(reason.contribution, 1))
        #expect(reason.detail == "registered as a reseller, it declared consumption in 2 report(s), up to 30.0 kg")
        #expect(Set(reason.ids(.usageReports)) == ["R-1", "R-2"])
        #expect(!result.entityFired("MAKER").contains("reseller_consumption"))
    }
}
