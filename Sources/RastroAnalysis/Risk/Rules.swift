import Foundation
import RastroModel
import RastroResolve

/// The red-flag rules, each with its evidence. See docs/analysis.md for what each one means and
/// where it is blind.
struct Rules {
    let config: RiskConfig
    let data: AnalysisData
    let entities: EntityIndex
    let traces: [CustodyTrace]
    let balance: [BalanceRow]
    let routes: [RouteEvidence]
    let catalog = ChemicalCatalog.shipped

    // Indexes built once.
    var organizationsOf: [String: [Organization]] = [:]
    var namedInIncident: [String: [String]] = [:]
    var associatedWithNamed: [String: [(kind: String, value: String, other: String)]] = [:]
    var legsOfConsignment: [String: [String]] = [:]
    var legsOfTransfer: [String: [String]] = [:]
    var routesOfLeg: [String: [RouteEvidence]] = [:]
    var traceOf: [String: CustodyTrace] = [:]
    var balanceOf: [String: [BalanceRow]] = [:]
    /// Stops that cost a detour, and every stop, by grid cell (`cell`).
    var stopCells: [Int64: [RouteEvidence]] = [:]
    var allStopCells: [Int64: [RouteEvidence]] = [:]
    var observationCells: [Int64: [Observation]] = [:]
    /// Each leg's most recurring stop: a stop (dwell or reported stationary) away from known sites
    /// where other vehicles also stopped.
    var recurringOfLeg: [String: RecurringStop] = [:]
    /// Each leg's origin and destination, rounded to about a kilometre (legs with both ends only).
    var routeOfLeg: [String: [Int32]] = [:]
    /// The same, counting only stops that cost a detour (a holder's other trips are many; only the
    /// stricter sign is used for them).
    var detourRecurringOfLeg: [String: RecurringStop] = [:]
    /// Each entity's outgoing trips (the legs of transfers it sent), by departure day.
    var tripsFrom: [String: [(day: Int, legID: String)]] = [:]
    /// Declared consumption by parties registered as resellers (distributors, brokers), by entity and
    /// chemical: a reseller passes on what it receives, so consumption it declares is unexplained loss.
    var resellerClaims: [String: [(start: Int, end: Int, reportID: String, kg: Double)]] = [:]
    /// Days since 1970 of the newest consignment or transfer: the data's "now".
    var dataEnd = 0
    /// Business types (as organizations declare them) of parties that resell rather than use.
    /// (The contract's `business_type` values; see docs/analysis.md.)
    static let resellerTypes: Set<String> = ["distributor", "broker"]

    /// A stop that other vehicles' stops or field reports share.
    struct RecurringStop {
        var stop: RouteEvidence
        /// One leg per other vehicle that stopped within `RiskConfig.recurrenceKm`.
        var otherLegs: [String]
        /// Observations within `RiskConfig.recurrenceKm`.
        var reports: [String]

        var weight: Int { otherLegs.count * 2 + reports.count }
    }

    /// Stops and field reports are bucketed in cells this many km high (and about as wide).
    static let cellKm = 0.1

    /// A grid cell key (cells of `cellKm`).
    static func cell(_ lat: Double, _ lon: Double) -> Int64 {
        let scale = 111.32 / cellKm
        let y = Int64((lat * scale).rounded(.down)), x = Int64((lon * scale * cos(lat * .pi / 180)).rounded(.down))
        return y << 32 | (x & 0xFFFF_FFFF)
    }

    /// The cells around a point that can hold anything within `radiusKm` of it (one more column each
    /// side: a cell's width shifts a little from row to row with the cosine of the latitude).
    static func nearbyCells(_ lat: Double, _ lon: Double, radiusKm: Double) -> [Int64] {
        let scale = 111.32 / cellKm
        let y = Int64((lat * scale).rounded(.down)), x = Int64((lon * scale * cos(lat * .pi / 180)).rounded(.down))
        let span = radiusKm.isFinite ? max(1, min(50, Int((radiusKm / cellKm).rounded(.up)))) : 1
        var out: [Int64] = []
        out.reserveCapacity((2 * span + 1) * (2 * span + 3))
        for dy in stride(from: -span, through: span, by: 1) {
            for dx in stride(from: -span - 1, through: span + 1, by: 1) {
                out.append((y + Int64(dy)) << 32 | ((x + Int64(dx)) & 0xFFFF_FFFF))
            }
        }
        return out
    }

    /// A stop that cost a detour: going origin → stop → destination is longer than the straight
    /// origin → destination by at least max(`detourMinimumKm`, `detourFraction` × its length). A
    /// stop on the way (a rest, a meal, traffic) is not one, and many trips stop at much the same
    /// points of a busy road; a leg without both ends counts every stop.
    static func isDetour(_ stop: RouteEvidence, _ leg: Leg?, _ config: RiskConfig) -> Bool {
        guard let leg, let origin = leg.origin, let destination = leg.destination else { return true }
        let here = Coordinate(lat: stop.lat, lon: stop.lon), direct = Geo.distanceKm(origin, destination)
        let extra = Geo.distanceKm(origin, here) + Geo.distanceKm(here, destination) - direct
        return extra >= max(config.detourMinimumKm, config.detourFraction * direct)
    }

    /// Other vehicles' stops within `recurrenceKm` of this one: one leg per vehicle (a truck that
    /// parks in the same yard every day is one stop), and the field reports made there.
    /// With `exact`, among every stop (detour or not) within `exactRecurrenceKm`.
    func recurrence(of stop: RouteEvidence, exact: Bool = false) -> RecurringStop {
        let here = Coordinate(lat: stop.lat, lon: stop.lon)
        let radius = exact ? config.exactRecurrenceKm : config.recurrenceKm
        let cells = exact ? allStopCells : stopCells
        var legOfVehicle: [String: String] = [:]
        var reports: [String] = []
        // Trips between the same two places stop at the same points of their road by chance;
        // they do not make a place recur.
        let route = routeOfLeg[stop.legID]
        for key in Self.nearbyCells(stop.lat, stop.lon, radiusKm: radius) {
            for other in cells[key] ?? [] where other.vehicleID != stop.vehicleID && (route == nil || routeOfLeg[other.legID] != route)
                && Geo.distanceKm(here, Coordinate(lat: other.lat, lon: other.lon)) <= radius {
                legOfVehicle[other.vehicleID] = min(legOfVehicle[other.vehicleID] ?? other.legID, other.legID)
            }
            for observation in observationCells[key] ?? [] where Geo.distanceKm(here, observation.position) <= radius {
                reports.append(observation.observationID)
            }
        }
        return RecurringStop(stop: stop, otherLegs: legOfVehicle.values.sorted(), reports: reports.sorted())
    }

    init(config: RiskConfig, data: AnalysisData, entities: EntityIndex, traces: [CustodyTrace], balance: [BalanceRow], routes: [RouteEvidence]) {
        self.config = config
        self.data = data
        self.entities = entities
        self.traces = traces
        self.balance = balance
        self.routes = routes
        for organization in data.organizations {
            organizationsOf[entities.entity(Mention(kind: .organizations, id: organization.orgID, role: .self)), default: []].append(organization)
        }
        for incident in data.incidents {
            for slot in incident.namedParties.indices {
                let entity = entities.entity(Mention(kind: .incidents, id: "\(incident.incidentID)#\(slot)", role: .named))
                namedInIncident[entity, default: []].append(incident.incidentID)
            }
        }
        var byValue: [String: [String]] = [:]
        for association in entities.associations { byValue[association.kind + "\u{0}" + association.value, default: []].append(association.entityID) }
        for association in entities.associations {
            for other in byValue[association.kind + "\u{0}" + association.value] ?? [] where other != association.entityID && namedInIncident[other] != nil {
                associatedWithNamed[association.entityID, default: []].append((association.kind, association.value, other))
            }
        }
        for leg in data.legs {
            if let consignment = leg.consignmentID { legsOfConsignment[consignment, default: []].append(leg.legID) }
            if let transfer = leg.transferID { legsOfTransfer[transfer, default: []].append(leg.legID) }
        }
        var legByID: [String: Leg] = [:]
        for leg in data.legs {
            legByID[leg.legID] = leg
            if let origin = leg.origin, let destination = leg.destination {
                routeOfLeg[leg.legID] = [origin.lat, origin.lon, destination.lat, destination.lon].map { Int32(($0 * 100).rounded()) }
            }
        }
        for evidence in routes {
            if evidence.kind == .dwell || evidence.kind == .stop {
                allStopCells[Self.cell(evidence.lat, evidence.lon), default: []].append(evidence)
                if Self.isDetour(evidence, legByID[evidence.legID], config) {
                    stopCells[Self.cell(evidence.lat, evidence.lon), default: []].append(evidence)
                }
            }
            routesOfLeg[evidence.legID, default: []].append(evidence)
        }
        for observation in data.observations {
            observationCells[Self.cell(observation.position.lat, observation.position.lon), default: []].append(observation)
        }
        // A stop recurs when enough other vehicles stopped there at the cost of a detour too, or when
        // more of them stopped on the very same spot (the same premises on the way).
        for evidence in routes where evidence.kind == .dwell || evidence.kind == .stop {
            var candidates: [RecurringStop] = []
            if Self.isDetour(evidence, legByID[evidence.legID], config) {
                let found = recurrence(of: evidence)
                if found.otherLegs.count >= config.recurrenceVehicles {
                    candidates.append(found)
                    if detourRecurringOfLeg[evidence.legID].map({ found.weight > $0.weight }) ?? true { detourRecurringOfLeg[evidence.legID] = found }
                }
            }
            let exact = recurrence(of: evidence, exact: true)
            if exact.otherLegs.count >= config.exactRecurrenceVehicles { candidates.append(exact) }
            for found in candidates where recurringOfLeg[evidence.legID].map({ found.weight > $0.weight }) ?? true {
                recurringOfLeg[evidence.legID] = found
            }
        }
        for report in data.usageReports {
            guard let consumed = report.consumedKg, consumed > 0, let start = Clock.day(report.periodStart), let end = Clock.day(report.periodEnd) else { continue }
            let reporter = entities.entity(Mention(kind: .usageReports, id: report.reportID, role: .reporter))
            let types = Set((organizationsOf[reporter] ?? []).compactMap { $0.businessType?.lowercased() })
            guard !types.isEmpty, types.isSubset(of: Self.resellerTypes) else { continue }
            resellerClaims[reporter + "\u{0}" + MassBalance.chemicalKey(report.chemical), default: []].append((start, end, report.reportID, consumed))
        }
        for transfer in data.transfers {
            guard let day = Clock.day(transfer.date), let legs = legsOfTransfer[transfer.transferID] else { continue }
            let sender = entities.entity(Mention(kind: .transfers, id: transfer.transferID, role: .from))
            for leg in legs { tripsFrom[sender, default: []].append((day, leg)) }
        }
        for key in Array(tripsFrom.keys) { tripsFrom[key]!.sort { ($0.day, $0.legID) < ($1.day, $1.legID) } }
        dataEnd = (data.consignments.compactMap { Clock.day($0.arrivalDate) } + data.transfers.compactMap { Clock.day($0.date) }).max() ?? 0
        for trace in traces { traceOf[trace.consignmentID] = trace }
        for row in balance { balanceOf[row.entityID + "\u{0}" + row.chemical, default: []].append(row) }
    }

    /// `new_importer`'s strength for an import this many days after the importer's registration
    /// (negative: registered only afterwards): 1 up to `newCompanyFullDays`, then down linearly to
    /// `newCompanyFloor` at `newCompanyDays`.
    static func newCompanyStrength(daysAfterRegistration days: Int, _ config: RiskConfig) -> Double {
        guard days > config.newCompanyFullDays else { return 1 }
        let span = Double(max(1, config.newCompanyDays - config.newCompanyFullDays))
        return max(config.newCompanyFloor, 1 - (1 - config.newCompanyFloor) * Double(days - config.newCompanyFullDays) / span)
    }

    static let residentialMarkers = ["fracc", "fraccionamiento", "infonavit", "privada", "depto", "departamento", "casa ", "unidad habitacional",
                                     "residencial", "condominio", "int. ", "interior "]

    static func looksResidential(_ address: String) -> Bool {
        let folded = address.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return residentialMarkers.contains { folded.contains($0) }
    }

    /// Finds a declared name in the catalog: as written, else the part before a parenthesis, else
    /// the part inside it ("4-piperidona (piperidin-4-ona)").
    static func catalogChemical(named name: String, _ catalog: ChemicalCatalog) -> Chemical? {
        if let found = catalog.chemical(named: name) { return found }
        guard let open = name.firstIndex(of: "(") else { return nil }
        let before = String(name[..<open]).trimmingCharacters(in: .whitespaces)
        if !before.isEmpty, let found = catalog.chemical(named: before) { return found }
        let inside = name[name.index(after: open)...].prefix { $0 != ")" }
        return inside.isEmpty ? nil : catalog.chemical(named: String(inside))
    }

    /// A declaration that disagrees with itself: CAS number and name naming different chemicals
    /// (one of them listed), or an HS code that is not the listed chemical's, or the HS subheading of
    /// a Table I chemical on an unlisted one.
    static func declarationMismatch(_ consignment: Consignment, catalog: ChemicalCatalog) -> (strength: Double, text: ReasonText)? {
        let cas = consignment.chemical.cas, name = consignment.chemical.name
        let byCAS = cas.flatMap { catalog.chemical(cas: $0) }
        let byName = name.flatMap { catalogChemical(named: $0, catalog) }
        if let cas, let byCAS, let byName, byCAS.cas != byName.cas {
            return (1, ReasonText("mislabelling.names", ["cas": .text(cas), "byCAS": byCAS.reasonValue, "byName": byName.reasonValue]))
        }
        if let cas, let name, let byCAS, byName == nil {
            return (0.8, ReasonText("mislabelling.unlisted_name", ["cas": .text(cas), "byCAS": byCAS.reasonValue, "name": .text(name)]))
        }
        if let cas, let byName, byCAS == nil, CASNumber(cas) != nil {
            return (0.8, ReasonText("mislabelling.cas", ["byName": byName.reasonValue, "nameCAS": .text(byName.cas), "cas": .text(cas)]))
        }
        guard let hs = consignment.hsCode, hs.count >= 6 else { return nil }
        let subheading = String(hs.filter(\.isNumber).prefix(6))
        func sixDigits(_ code: String) -> String { String(code.filter(\.isNumber).prefix(6)) }
        if let chemical = byCAS ?? byName {
            guard !chemical.hsCodes.isEmpty, !chemical.hsCodes.contains(where: { sixDigits($0) == subheading }) else { return nil }
            return (0.6, ReasonText("mislabelling.hs", ["hs": .text(hs), "chemical": chemical.reasonValue,
                                                        "codes": .text(chemical.hsCodes.joined(separator: ", "))]))
        }
        let hidden = catalog.chemicals.filter { $0.table == "I" && $0.hsCodes.contains { sixDigits($0) == subheading } }
        guard let first = hidden.first else { return nil }
        return (0.6, ReasonText(hidden.count > 1 ? "mislabelling.hidden_more" : "mislabelling.hidden",
                                ["hs": .text(hs), "chemical": first.reasonValue, "count": "\(hidden.count - 1)",
                                 "declared": .text(name ?? cas ?? "unnamed")]))
    }

    func consignments() -> [Assessment] {
        // Each importer's imports by chemical, for structuring and unusual quantities.
        var lotsOf: [String: [Consignment]] = [:]
        var importerOf: [String: String] = [:]
        for consignment in data.consignments {
            let importer = entities.entity(Mention(kind: .consignments, id: consignment.consignmentID, role: .importer))
            importerOf[consignment.consignmentID] = importer
            lotsOf[importer + "\u{0}" + MassBalance.chemicalKey(consignment.chemical), default: []].append(consignment)
        }
        let history = lotsOf.mapValues(ImportHistory.init)
        return data.consignments.map { consignment in
            var score = Scorer(config: config)
            let id = consignment.consignmentID
            let me = [Findings.EvidenceRef(kind: Kind.consignments.rawValue, id: id)]
            let importer = importerOf[id] ?? ""
            let chemical = consignment.chemical.catalogCAS.flatMap { catalog.chemical(cas: $0) }
            let day = Clock.day(consignment.arrivalDate) ?? 0
            var newest = consignment.arrivalDate
            if let chemical {
                if chemical.fentanylPrecursor {
                    score.fire("fentanyl_precursor", ReasonText("fentanyl_precursor", ["chemical": chemical.reasonValue, "table": .text(chemical.table ?? "I")]), me)
                } else if chemical.table == "I" {
                    score.fire("table_i_precursor", ReasonText("table_i_precursor", ["chemical": chemical.reasonValue]), me)
                }
                if chemical.table == "I", consignment.penReference == nil {
                    score.fire("pen_missing", ReasonText("pen_missing"), me)
                }
            }
            // Declaration against itself.
            if let mismatch = Self.declarationMismatch(consignment, catalog: catalog) {
                score.fire("mislabelling", strength: mismatch.strength, mismatch.text, me)
            }
            // The importer.
            let registry = organizationsOf[importer] ?? []
            if registry.isEmpty {
                score.fire("unregistered_importer", ReasonText("unregistered_importer"), me)
            } else if let founded = registry.compactMap({ $0.registeredOn.flatMap(Clock.day) }).min(), day - founded < config.newCompanyDays {
                let days = abs(day - founded)
                score.fire("new_importer", strength: Self.newCompanyStrength(daysAfterRegistration: day - founded, config),
                           ReasonText("new_importer." + (day >= founded ? "before" : "after") + (days == 1 ? ".one" : ""),
                                      ["days": "\(days)"]),
                           me + registry.map { .init(kind: Kind.organizations.rawValue, id: $0.orgID) })
            }
            if let tax = consignment.importerTaxID {
                if case .failure = RFC.validate(tax.uppercased().filter { $0.isLetter || $0.isNumber || $0 == "&" }) {
                    score.fire("tax_id_problem", ReasonText("tax_id_problem.rfc"), me)
                }
            } else {
                score.fire("tax_id_problem", strength: 0.7, ReasonText("tax_id_problem.missing"), me)
            }
            let addresses = [consignment.importerAddress].compactMap { $0 } + registry.compactMap(\.address)
            if addresses.isEmpty {
                score.fire("unknown_address", ReasonText("unknown_address"), me)
            } else if addresses.contains(where: Self.looksResidential) {
                score.fire("residential_address", ReasonText("residential_address"), me)
            }
            if let origin = consignment.originPortLOCODE, config.transshipmentCountries.contains(String(origin.prefix(2))),
               consignment.exporterCountry.map({ !origin.hasPrefix($0) }) ?? true {
                score.fire("transshipment", ReasonText("transshipment", ["port": .text(origin)]), me)
            }
            let key = importer + "\u{0}" + MassBalance.chemicalKey(consignment.chemical)
            let mine = history[key] ?? ImportHistory([])
            // Only a small lot can be part of a structured order: the others skip the search.
            let near = consignment.quantityKg <= config.structuringMaxKg
                ? mine.lots(within: config.structuringDays, of: day) { $0.quantityKg <= config.structuringMaxKg } : []
            // A burst, not a habit: a party that imports the chemical steadily, far from this lot's
            // weeks too, buys small lots as a rule rather than splitting a large order.
            func steady() -> Bool {
                config.structuringSteadyCount > 0
                    && mine.count(fartherThan: 2 * config.structuringDays, from: day) >= config.structuringSteadyCount
            }
            if consignment.quantityKg <= config.structuringMaxKg, near.count >= config.structuringCount, !steady() {
                let ports = Set(near.map(\.portLOCODE))
                score.fire("structuring", strength: ports.count >= 2 ? 1 : 0.6,
                           ReasonText("structuring", ["count": "\(near.count)", "days": "\(config.structuringDays)", "ports": "\(ports.count)"]),
                           near.map { .init(kind: Kind.consignments.rawValue, id: $0.consignmentID) })
            }
            if mine.lots.count >= 5 {
                let (_, mean, sd) = mine.logSpread(excluding: id)
                // Identical earlier lots have no spread: a tenth of a log unit (about 10 %) stands in for it.
                let z = (Foundation.log(max(consignment.quantityKg, 0.001)) - mean) / max(sd, 0.1)
                if abs(z) >= config.unusualZ {
                    score.fire("unusual_quantity", ReasonText("unusual_quantity", ["kg": "\(Int(consignment.quantityKg))", "z": .text(String(format: "%.1f", z))]), me)
                }
            }
            // Where the lot went: the importer, and who bought from it directly.
            let trace = traceOf[id]
            let direct = Set((trace?.steps ?? []).filter { $0.depth == 1 && $0.quantityKg > 0.5 }.map(\.toEntity)).subtracting([importer])
            if let incidents = namedInIncident[importer] {
                score.fire("named_in_incident", ReasonText("named_in_incident.importer", ["count": "\(incidents.count)"]),
                           incidents.map { .init(kind: Kind.incidents.rawValue, id: $0) })
            } else if let buyer = direct.sorted().first(where: { namedInIncident[$0] != nil }), let incidents = namedInIncident[buyer] {
                score.fire("named_in_incident", strength: 0.4, ReasonText("named_in_incident.buyer", ["count": "\(incidents.count)"]),
                           incidents.map { .init(kind: Kind.incidents.rawValue, id: $0) })
            }
            if let links = associatedWithNamed[importer], let first = links.first {
                score.fire("associated_with_incident_party", ReasonText("associated.importer", ["link": .phrase(ReasonText("link." + first.kind))]),
                           (namedInIncident[first.other] ?? []).map { .init(kind: Kind.incidents.rawValue, id: $0) })
            } else if let buyer = direct.sorted().first(where: { associatedWithNamed[$0] != nil }), let first = associatedWithNamed[buyer]?.first {
                score.fire("associated_with_incident_party", strength: 0.5, ReasonText("associated.buyer", ["link": .phrase(ReasonText("link." + first.kind))]),
                           (namedInIncident[first.other] ?? []).map { .init(kind: Kind.incidents.rawValue, id: $0) })
            }
            let chemicalKey = MassBalance.chemicalKey(consignment.chemical)
            var gapRows: [BalanceRow] = [], missing: [BalanceRow] = []
            for holder in [importer] + direct.sorted() {
                for row in balanceOf[holder + "\u{0}" + chemicalKey] ?? [] where (Clock.day(row.periodEnd) ?? 0) >= day {
                    if row.missingReport {
                        // A report is missing only once it is overdue when the data ends.
                        if let end = Clock.day(row.periodEnd), end + 45 <= dataEnd { missing.append(row) }
                    } else if row.flagged && row.gap > 0 {
                        gapRows.append(row)
                    }
                }
            }
            if let worst = gapRows.max(by: { $0.gap / max($0.tolerance, 1e-9) < $1.gap / max($1.tolerance, 1e-9) }) {
                score.fire("mass_balance_gap", strength: min(1, worst.gap / max(worst.tolerance, 1e-9) / 3),
                           ReasonText("mass_balance_gap.consignment", ["gap": .text(String(format: "%.1f", worst.gap)), "start": .text(worst.periodStart),
                                                                       "end": .text(worst.periodEnd), "tolerance": .text(String(format: "%.1f", worst.tolerance))]),
                           worst.received.evidence + worst.transferredOut.evidence + (worst.reportID.map { [.init(kind: Kind.usageReports.rawValue, id: $0)] } ?? []))
                newest = max(newest, worst.periodEnd)
            }
            if !missing.isEmpty {
                score.fire("missing_usage_report", strength: 0.5 + 0.5 * min(1, Double(missing.count - 1) / 2),
                           ReasonText("missing_usage_report", ["count": "\(missing.count)"]),
                           missing.flatMap { $0.received.evidence }.prefix(10).map { $0 })
            }
            // The trips that carried this lot: the import, and the first sales of it.
            var legIDs = legsOfConsignment[id] ?? []
            for step in trace?.steps ?? [] where step.depth == 1 && step.quantityKg >= 1 { legIDs += legsOfTransfer[step.transferID] ?? [] }
            let evidence = legIDs.flatMap { routesOfLeg[$0] ?? [] }
            let stops = evidence.filter { $0.kind == .dwell || $0.kind == .offCorridor }
            if let stop = stops.max(by: { ($0.kind == .dwell ? 1 : 0, $0.value) < ($1.kind == .dwell ? 1 : 0, $1.value) }) {
                score.fire("route_deviation", strength: stop.kind == .dwell ? 1 : 0.6, stop.text,
                           [.init(kind: Kind.legs.rawValue, id: stop.legID)] + stop.pointIDs.prefix(3).map { .init(kind: Kind.trackPoints.rawValue, id: $0) })
                newest = max(newest, Timestamp.format(epoch: stop.end))
            }
            // Every trip that carried part of the lot, at any depth: one that stopped where other
            // vehicles also stopped, away from every known site.
            var carrying = Set(legsOfConsignment[id] ?? [])
            for step in trace?.steps ?? [] where step.quantityKg >= 1 { carrying.formUnion(legsOfTransfer[step.transferID] ?? []) }
            if let found = carrying.compactMap({ recurringOfLeg[$0] }).max(by: { ($0.weight, $1.stop.legID) < ($1.weight, $0.stop.legID) }) {
                score.fire("recurring_stop", strength: min(1, (Double(found.otherLegs.count) + 0.5 * Double(found.reports.count)) / 3),
                           ReasonText("recurring_stop", ["lat": .text(String(format: "%.4f", found.stop.lat)), "lon": .text(String(format: "%.4f", found.stop.lon)),
                                                         "others": "\(found.otherLegs.count)", "reports": "\(found.reports.count)"]),
                           [.init(kind: Kind.legs.rawValue, id: found.stop.legID)] + found.stop.pointIDs.prefix(2).map { .init(kind: Kind.trackPoints.rawValue, id: $0) }
                            + found.otherLegs.prefix(5).map { .init(kind: Kind.legs.rawValue, id: $0) }
                            + found.reports.prefix(5).map { .init(kind: Kind.observations.rawValue, id: $0) })
                newest = max(newest, Timestamp.format(epoch: found.stop.end))
            }
            // A trip carrying the lot that went dark and arrived late.
            if let dark = carrying.sorted().first(where: { leg in
                let found = routesOfLeg[leg] ?? []
                return found.contains { $0.kind == .trackingGap } && found.contains { $0.kind == .lateArrival }
            }), let gap = routesOfLeg[dark]?.first(where: { $0.kind == .trackingGap }) {
                score.fire("dark_and_late", ReasonText("dark_and_late", ["detail": .phrase(gap.text)]),
                           [.init(kind: Kind.legs.rawValue, id: dark)] + gap.pointIDs.map { .init(kind: Kind.trackPoints.rawValue, id: $0) })
            }
            // A trip carrying the lot that lost its signal for longer than the drive needs.
            if let dark = carrying.sorted().compactMap({ leg in (routesOfLeg[leg] ?? []).filter { $0.kind == .darkStop }.max { $0.value < $1.value } })
                .max(by: { ($0.value, $1.legID) < ($1.value, $0.legID) }) {
                score.fire("dark_stop", strength: min(1, dark.value / 60), ReasonText("dark_stop", ["detail": .phrase(dark.text)]),
                           [.init(kind: Kind.legs.rawValue, id: dark.legID)] + dark.pointIDs.map { .init(kind: Kind.trackPoints.rawValue, id: $0) })
            }
            // A holder of the lot whose own trips, soon after it received the lot, stopped at such a place.
            var holderStop: (holder: String, found: RecurringStop)?
            var receipts = [(importer, day)]
            for step in trace?.steps ?? [] where step.quantityKg >= 1 { receipts.append((step.toEntity, Clock.day(step.date) ?? 0)) }
            for (holder, received) in receipts {
                for trip in tripsFrom[holder] ?? [] where trip.day >= received && trip.day <= received + config.holderWindowDays
                    && !carrying.contains(trip.legID) {
                    if let found = detourRecurringOfLeg[trip.legID], holderStop.map({ found.weight > $0.found.weight }) ?? true { holderStop = (holder, found) }
                }
            }
            // A holder registered as a reseller that declared consumption of this chemical for the
            // period in which it received the lot.
            if let claim = receipts.lazy.compactMap({ holder, received in
                (self.resellerClaims[holder + "\u{0}" + chemicalKey] ?? []).first { $0.start <= received && received <= $0.end }.map { (holder, $0) }
            }).first {
                score.fire("reseller_consumption",
                           ReasonText("reseller_consumption.consignment", ["holder": .text(entities.names[claim.0] ?? claim.0),
                                                                           "kg": .text(String(format: "%.1f", claim.1.kg)), "report": .text(claim.1.reportID)]),
                           [.init(kind: Kind.usageReports.rawValue, id: claim.1.reportID)] + (organizationsOf[claim.0] ?? []).prefix(2).map { .init(kind: Kind.organizations.rawValue, id: $0.orgID) })
            }
            if let (holder, found) = holderStop {
                score.fire("holder_recurring_stop", strength: min(1, (Double(found.otherLegs.count) + 0.5 * Double(found.reports.count)) / 3),
                           ReasonText("holder_recurring_stop", ["days": "\(config.holderWindowDays)", "holder": .text(entities.names[holder] ?? holder),
                                                                "lat": .text(String(format: "%.4f", found.stop.lat)), "lon": .text(String(format: "%.4f", found.stop.lon)),
                                                                "others": "\(found.otherLegs.count)"]),
                           [.init(kind: Kind.legs.rawValue, id: found.stop.legID)] + found.otherLegs.prefix(5).map { .init(kind: Kind.legs.rawValue, id: $0) }
                            + found.reports.prefix(5).map { .init(kind: Kind.observations.rawValue, id: $0) })
            }
            if let gap = evidence.first(where: { $0.kind == .trackingGap }) {
                score.fire("tracking_gap", gap.text, [.init(kind: Kind.legs.rawValue, id: gap.legID)])
            }
            if let late = evidence.first(where: { $0.kind == .lateArrival }) {
                score.fire("late_arrival", late.text, [.init(kind: Kind.legs.rawValue, id: late.legID)])
            }
            return Assessment(kind: Kind.consignments.rawValue, id: id, name: consignment.importerName, risk: score.risk,
                              reasons: score.reasons.sorted { $0.contribution > $1.contribution }, date: newest)
        }
    }

    /// An entity is as risky as the riskiest of its imports, and more when it is named in an
    /// incident, associated with a named party, or its own books do not balance.
    func entities(_ consignments: [Assessment]) -> [Assessment] {
        var best: [String: Assessment] = [:]
        for assessment in consignments {
            let importer = entities.entity(Mention(kind: .consignments, id: assessment.id, role: .importer))
            if best[importer].map({ $0.risk < assessment.risk }) ?? true { best[importer] = assessment }
        }
        var claimsOf: [String: [(start: Int, end: Int, reportID: String, kg: Double)]] = [:]
        // In key order: a dictionary's own order changes from one process to the next.
        for (key, claims) in resellerClaims.sorted(by: { $0.key < $1.key }) { claimsOf[String(key.prefix { $0 != "\u{0}" }), default: []] += claims }
        var ids = Set(best.keys).union(namedInIncident.keys).union(associatedWithNamed.keys).union(claimsOf.keys)
        var gapsOf: [String: [BalanceRow]] = [:]
        for row in balance where row.flagged && row.gap > 0 {
            ids.insert(row.entityID)
            gapsOf[row.entityID, default: []].append(row)
        }
        return ids.sorted().map { id in
            var score = Scorer(config: config)
            if let import_ = best[id], import_.risk >= 0.2 {
                score.reasons.append(RiskReason(rule: "risky_import", contribution: Foundation.log(import_.risk / (1 - import_.risk)) - config.intercept,
                                                text: ReasonText("risky_import", ["id": .text(import_.id), "score": .text(String(format: "%.2f", import_.risk))]),
                                                evidence: [.init(kind: Kind.consignments.rawValue, id: import_.id)]))
            }
            if let incidents = namedInIncident[id] {
                score.fire("named_in_incident", ReasonText("named_in_incident.entity", ["count": "\(incidents.count)"]), incidents.map { .init(kind: Kind.incidents.rawValue, id: $0) })
            }
            if let links = associatedWithNamed[id], let first = links.first {
                score.fire("associated_with_incident_party", ReasonText("associated.entity", ["link": .phrase(ReasonText("link." + first.kind)),
                                                                                         "value": .text(first.value)]),
                           (namedInIncident[first.other] ?? []).map { .init(kind: Kind.incidents.rawValue, id: $0) })
            }
            if let claims = claimsOf[id], let largest = claims.max(by: { ($0.kg, $1.reportID) < ($1.kg, $0.reportID) }) {
                score.fire("reseller_consumption",
                           ReasonText("reseller_consumption.entity", ["count": "\(claims.count)", "kg": .text(String(format: "%.1f", largest.kg))]),
                           claims.prefix(10).map { .init(kind: Kind.usageReports.rawValue, id: $0.reportID) })
            }
            let gaps = gapsOf[id] ?? []
            if let worst = gaps.max(by: { $0.gap < $1.gap }) {
                score.fire("mass_balance_gap", strength: min(1, worst.gap / max(worst.tolerance, 1e-9) / 3),
                           ReasonText("mass_balance_gap.entity", ["gap": .text(String(format: "%.1f", worst.gap)), "chemical": .text(worst.chemical),
                                                                  "start": .text(worst.periodStart), "end": .text(worst.periodEnd)]),
                           worst.received.evidence + (worst.reportID.map { [.init(kind: Kind.usageReports.rawValue, id: $0)] } ?? []))
            }
            return Assessment(kind: "entities", id: id, name: entities.names[id], risk: score.risk,
                              reasons: score.reasons.sorted { $0.contribution > $1.contribution }, date: best[id]?.date)
        }
    }
}
