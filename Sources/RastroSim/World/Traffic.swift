import RastroModel

/// The world's records before they are written: consignments, transfers, legs, usage ledgers,
/// and the truth gathered while making them. Honest trade first (`honestTrade`), then the
/// schemes (`Schemes`), which both add their own records and bend honest ones.
struct Traffic {
    struct Consignment {
        var id: String
        var day: Int
        var importer: Int
        var chemical: Int
        var quantity: Double
        var cells: [String: String]
        var portLat: Double
        var portLon: Double
    }

    struct Transfer {
        var id: String
        var day: Int
        var from: Int
        var to: Int
        var chemical: Int
        var quantity: Double
        /// The import the lot came from (always known to the simulator; written only when `traceable`).
        var source: String
        var cells: [String: String]
    }

    /// One movement in a party's books for one chemical.
    struct Movement {
        enum Kind { case received, sent, leaked }
        var day: Int
        var kind: Kind
        var quantity: Double
    }

    struct LedgerKey: Hashable, Comparable {
        var party: Int
        var chemical: Int
        static func < (lhs: LedgerKey, rhs: LedgerKey) -> Bool { (lhs.party, lhs.chemical) < (rhs.party, rhs.chemical) }
    }

    var consignments: [Consignment] = []
    var transfers: [Transfer] = []
    var legs: [LegPlan] = []
    var ledgers: [LedgerKey: [Movement]] = [:]
    var mentions: [Truth.EntityMention] = []
    /// consignment id → (kg diverted, schemes, lab)
    var diverted: [String: (kg: Double, schemes: [Truth.SchemeKind], lab: String?)] = [:]
    var schemes: [Truth.Scheme] = []
    /// Legs by the party they leave from, for schemes that ride on existing trips.
    var legsFrom: [Int: [Int]] = [:]
    /// Transfer index of each leg that serves a transfer.
    var legTransfer: [Int: Int] = [:]

    mutating func book(_ party: Int, _ chemical: Int, _ movement: Movement) {
        ledgers[LedgerKey(party: party, chemical: chemical), default: []].append(movement)
    }

    mutating func divert(_ consignment: String, kg: Double, scheme: Truth.SchemeKind, lab: String?) {
        var entry = diverted[consignment] ?? (0, [], nil)
        entry.kg += kg
        if !entry.schemes.contains(scheme) { entry.schemes.append(scheme) }
        if entry.lab == nil { entry.lab = lab }
        diverted[consignment] = entry
    }

    mutating func addLeg(_ plan: LegPlan, from party: Int) -> Int {
        legs.append(plan)
        legsFrom[party, default: []].append(legs.count - 1)
        return legs.count - 1
    }
}

/// Builds the traffic: the honest trade, then every scheme.
struct TrafficBuilder {
    let parameters: Parameters
    let options: SimulationOptions
    let geography: Geography
    let chemicals: ChemicalGroups
    var cast: Cast
    var traffic = Traffic()
    var random: SimRandom
    /// Every id handed out so far (only for uniqueness checks; never iterated).
    private var issuedIDs: Set<String> = []
    /// Leaking distributors: party → (first day, last day, share, covered share, lab).
    var leaks: [Int: (start: Int, end: Int, share: Double, covered: Double, lab: Truth.Lab)] = [:]
    private var leakRiders: [(party: Int, day: Int, lab: Truth.Lab)] = []
    /// Persons named in incidents, by name.
    var persons: [String: Int] = [:]
    /// Buyers dealing in a chemical (key: chemical × 2 + distributors too), built on first use.
    private var buyerPools: [Int: [Int]] = [:]
    /// The incident that revealed each raided lab.
    var raidIncidents: [String: String] = [:]
    let mainPorts: [Geography.Place]
    let portWeights: [Double]

    init(parameters: Parameters, options: SimulationOptions, geography: Geography, chemicals: ChemicalGroups, cast: Cast, random: SimRandom) {
        self.parameters = parameters
        self.options = options
        self.geography = geography
        self.chemicals = chemicals
        self.cast = cast
        self.random = random
        let weights: [String: Double] = ["MXZLO": 40, "MXLZC": 25, "MXVER": 14, "MXATM": 10, "MXESE": 3, "MXMZT": 2, "MXGYM": 1.5,
                                         "MXPGO": 1, "MXTAM": 1.5, "MXCOA": 1, "MXSCX": 0.5, "MXTPB": 0.5]
        mainPorts = geography.seaports.filter { weights[$0.locode] != nil }.sorted { $0.locode < $1.locode }
        portWeights = mainPorts.map { weights[$0.locode] ?? 0 }
    }

    // MARK: - Shared pieces

    /// Registry ids for every registered company, drawn like every other id.
    mutating func assignOrgIDs() {
        for index in cast.parties.indices where cast.parties[index].orgID != nil && cast.parties[index].role != .agency {
            cast.parties[index].orgID = uniqueID("ORG-", digits: 6)
        }
    }

    /// Ids carry no order: a scheme's records, made after the honest trade, must not stand out
    /// by number. Each is a fresh random number of fixed width.
    mutating func uniqueID(_ prefix: String, digits: Int) -> String {
        var low = 1
        for _ in 1..<digits { low *= 10 }
        while true {
            let id = prefix + String(random.int(low...(low * 10 - 1)))
            if issuedIDs.insert(id).inserted { return id }
        }
    }

    mutating func nextConsignmentID() -> String { uniqueID("C-26-", digits: 7) }

    mutating func nextTransferID() -> String { uniqueID("T-", digits: 8) }

    /// A day of the simulated year, with a seasonal rhythm (a spring and autumn high, a December low).
    mutating func seasonalDay(from first: Int = 0, to last: Int = WorldBuilder.dayCount - 1) -> Int {
        while true {
            let day = random.int(first...last)
            let month = Calendar.civil(WorldBuilder.firstDay + day).month
            let weight = (1 + 0.22 * _sin(2 * .pi * Double(month - 2) / 12)) * (month == 12 ? 0.7 : 1)
            if random.unit() * 1.25 < weight { return WorldBuilder.firstDay + day }
        }
    }

    func quantity(_ chemical: Int, _ random: inout SimRandom, diverted: Bool = false) -> Double {
        if chemicals.fentanyl.contains(chemical) {
            let value = random.logNormal(median: diverted ? 55 : 40, sigma: 0.9)
            return max(1, (value * 2).rounded() / 2)
        }
        if chemicals.tableI.contains(chemical) { return max(25, (random.logNormal(median: 2_500, sigma: 0.8) / 5).rounded() * 5) }
        return max(200, (random.logNormal(median: 12_000, sigma: 0.6) / 10).rounded() * 10)
    }

    /// The name of a party as one document writes it.
    mutating func render(_ party: Int, care: Names.Care? = nil) -> String {
        let subject = cast.parties[party]
        if subject.isPerson { return Names.personVariant(subject.name.core, &random) }
        let care = care ?? (subject.illicit ? parameters.schemeCare : .ordinary)
        return Names.variant(subject.name, &random, care: care)
    }

    /// Its tax id as one document gives it: usually right, sometimes missing or mistyped.
    mutating func renderTaxID(_ party: Int, careful: Bool = false) -> String? {
        let subject = cast.parties[party]
        guard let rfc = subject.rfc else { return nil }
        let (present, mistyped) = subject.illicit ? (0.5, 0.2) : careful ? (0.95, 0.005) : (0.85, 0.025)
        guard random.chance(present) else { return nil }
        return random.chance(mistyped) ? Names.mistyped(rfc: rfc, &random) : rfc
    }

    mutating func mention(_ kind: Kind, _ id: String, _ role: Mention.Role, _ party: Int) {
        traffic.mentions.append(Truth.EntityMention(Mention(kind: kind, id: id, role: role), entityID: cast.parties[party].entityID))
    }

    /// How a declaration names a chemical: CAS and name (Spanish, English or a synonym), or one of them.
    mutating func declaredChemical(_ chemical: Int) -> (cas: String?, name: String?) {
        let entry = chemicals.catalog.chemicals[chemical]
        let name: String
        switch random.int(0...9) {
        case 0...5: name = entry.nameES
        case 6...7: name = entry.nameEN
        default: name = entry.synonyms.isEmpty ? entry.nameES : random.pick(entry.synonyms)
        }
        switch random.int(0...19) {
        case 0, 1: return (entry.cas, nil)
        case 2: return (nil, name)
        default: return (entry.cas, name)
        }
    }

    mutating func carrier() -> Int { cast.carriers[random.weighted(cast.carriers.map { Double($0 % 7 + 1) })] }

    mutating func plan(from origin: (Double, Double), to destination: (Double, Double), departure: Int, carrier: Int,
                       transfer: String? = nil, consignment: String? = nil) -> LegPlan {
        var plan = LegPlan(carrier: carrier, departure: departure, originLat: origin.0, originLon: origin.1,
                           destinationLat: destination.0, destinationLon: destination.1, transferID: transfer, consignmentID: consignment)
        plan.gps = random.chance(0.94)
        plan.reportsArrival = random.chance(0.95)
        plan.reportsDestination = random.chance(0.97)
        return plan
    }

    /// A working-hours departure on `day`.
    mutating func departure(on day: Int) -> Int { day * 86_400 + random.int(5 * 3_600...17 * 3_600) + 6 * 3_600 }

    func location(_ party: Int) -> (Double, Double) { (cast.parties[party].lat, cast.parties[party].lon) }

    // MARK: - Honest trade

    mutating func honestTrade(count: Int) {
        let kinds = cast.importers.map { cast.parties[$0].businessType == "manufacturer" ? 2 : (cast.parties[$0].chemicals.contains(where: chemicals.fentanyl.contains) ? 1 : 0) }
        let sizes = cast.importers.map { _ in random.logNormal(median: 1, sigma: 0.8) }
        let kindWeights = [0.72, 0.14, 0.14]
        for _ in 0..<count {
            let kind = random.weighted(kindWeights)
            let candidates = cast.importers.indices.filter { kinds[$0] == kind }
            guard !candidates.isEmpty else { continue }
            let importer = cast.importers[candidates[random.weighted(candidates.map { sizes[$0] })]]
            let chemical = random.pick(cast.parties[importer].chemicals)
            let arrival = seasonalDay()
            let quantity = quantity(chemical, &random)
            let id = consignment(importer: importer, chemical: chemical, quantity: quantity, day: arrival, care: .ordinary)
            distribute(id, importer: importer, chemical: chemical, quantity: quantity, day: arrival)
        }
    }

    /// Writes one consignment record (and its port leg's plan) and books the import.
    @discardableResult
    mutating func consignment(importer: Int, chemical: Int, quantity: Double, day: Int, care: Names.Care, exporterCountry: String? = nil,
                              transship: Bool? = nil, declared: (cas: String?, name: String?, hs: String?)? = nil,
                              port: Geography.Place? = nil, legDestination: (Double, Double)? = nil, labStop: Truth.Lab? = nil) -> String {
        let id = nextConsignmentID()
        let port = port ?? mainPorts[random.weighted(portWeights)]
        let entry = chemicals.catalog.chemicals[chemical]
        var cells: [String: String] = [:]
        cells["consignment_id"] = id
        cells["arrival_date"] = Calendar.date(day)
        cells["port_locode"] = port.locode
        let paper = declared ?? {
            let named = declaredChemical(chemical)
            var hs = entry.hsCodes.first
            if random.chance(parameters.clericalMismatch) {
                // An honest clerk's slip: the code of a neighbouring chemical.
                hs = chemicals.catalog.chemicals[random.pick(chemicals.uncontrolled + chemicals.tableII)].hsCodes.first
            }
            return (named.cas, named.name, hs)
        }()
        cells["chemical_cas"] = paper.cas
        cells["chemical_name"] = paper.name
        cells["hs_code"] = paper.hs
        cells["quantity_kg"] = Format.fixed(quantity, 1)
        cells["importer_name"] = render(importer, care: care)
        cells["importer_tax_id"] = renderTaxID(importer)
        if random.chance(0.7) { cells["importer_address"] = cast.parties[importer].address(geography) }
        mention(.consignments, id, .importer, importer)
        // The exporter, and the port the goods were loaded at.
        let exporters = cast.exporters.filter {
            cast.parties[$0].chemicals.contains(chemical) && (exporterCountry == nil || cast.parties[$0].country == exporterCountry)
        }
        let exporter = exporters.isEmpty ? random.pick(cast.exporters) : random.pick(exporters)
        if random.chance(0.93) {
            cells["exporter_name"] = render(exporter, care: .ordinary)
            mention(.consignments, id, .exporter, exporter)
        }
        let country = cast.parties[exporter].country
        if random.chance(0.9) { cells["exporter_country"] = country }
        let home = Geography.foreignPorts.filter { $0.country == country }
        let hubs = Geography.foreignPorts.filter { $0.hub && $0.country != country }
        let viaHub = transship ?? random.chance(parameters.honestTransshipment)
        if let origin = viaHub ? random.pick(hubs) : (home.isEmpty ? nil : random.pick(home)) { cells["origin_port_locode"] = origin.locode }
        cells["bill_of_lading"] = "BL" + String(random.int(1_000_000_000...9_999_999_999))
        cells["vessel_imo"] = imo(&random)
        cells["container_id"] = container(&random)
        if random.chance(0.85) { cells["declared_use"] = random.pick(Names.declaredUses) }
        if chemicals.catalog.chemicals[chemical].table == "I", random.chance(cast.parties[importer].illicit ? 0.6 : 0.96) {
            cells["pen_reference"] = "PEN-\(Calendar.civil(day).year)-" + String(random.int(100_000...999_999))
        }
        traffic.consignments.append(Traffic.Consignment(id: id, day: day, importer: importer, chemical: chemical, quantity: quantity,
                                                        cells: cells, portLat: port.lat, portLon: port.lon))
        traffic.book(importer, chemical, Traffic.Movement(day: day, kind: .received, quantity: quantity))
        // The trip from the port.
        var leg = plan(from: (port.lat, port.lon), to: legDestination ?? location(importer), departure: departure(on: day + random.int(1...5)),
                       carrier: carrier(), consignment: id)
        if let labStop {
            leg.labStop = (labStop.lat, labStop.lon, random.int(40...150) * 60)
            leg.diverting = true
            if random.chance(0.1) { leg.gps = false }
        }
        leg.legID = uniqueID("L-", digits: 8)
        _ = traffic.addLeg(leg, from: -1)
        return id
    }

    /// An honest importer's lot: used by a manufacturer, or sold on by a distributor, in lots,
    /// to buyers near and far, some of whom sell on again.
    mutating func distribute(_ consignment: String, importer: Int, chemical: Int, quantity: Double, day: Int) {
        guard cast.parties[importer].businessType != "manufacturer" else { return }
        let lots = split(quantity, into: random.int(4...7), chemical: chemical)
        for lot in lots {
            let buyer = buyer(for: chemical, near: importer, distributorsToo: true)
            var saleDay = day + random.int(3...60)
            if !cast.brokers.isEmpty, random.chance(0.08) {
                // Through a broker, who buys and sells the lot on within days.
                let broker = random.pick(cast.brokers)
                cast.parties[broker].licensed = cast.parties[broker].licensed || chemicals.isControlled(chemical)
                sell(lot, of: chemical, from: importer, to: broker, day: saleDay, source: consignment, traceable: random.chance(0.7))
                saleDay += random.int(1...6)
                sell(lot, of: chemical, from: broker, to: buyer, day: saleDay, source: consignment, traceable: random.chance(0.5))
            } else {
                sell(lot, of: chemical, from: importer, to: buyer, day: saleDay, source: consignment, traceable: random.chance(0.7))
            }
            if cast.parties[buyer].role == .distributor || cast.parties[buyer].role == .importer {
                let resale = split(lot, into: random.int(2...5), chemical: chemical)
                for part in resale {
                    let enduser = self.buyer(for: chemical, near: buyer, distributorsToo: false)
                    sell(part, of: chemical, from: buyer, to: enduser, day: saleDay + random.int(2...45), source: consignment,
                         traceable: random.chance(0.15))
                }
            }
        }
    }

    func split(_ quantity: Double, into parts: Int, chemical: Int) -> [Double] {
        var random = self.random.fork("split", Int(quantity * 10) &+ parts)
        let weights = (0..<parts).map { _ in random.uniform(0.5, 1.5) }
        let total = weights.reduce(0, +)
        let step = chemicals.fentanyl.contains(chemical) ? 0.5 : 1
        var out = weights.dropLast().map { max(step, (quantity * $0 / total / step).rounded() * step) }
        out.append(max(step, quantity - out.reduce(0, +)))
        return out
    }

    mutating func buyer(for chemical: Int, near seller: Int, distributorsToo: Bool) -> Int {
        let key = chemical * 2 + (distributorsToo ? 1 : 0)
        if buyerPools[key] == nil {
            let pool = (distributorsToo ? cast.distributors : []) + cast.endUsers
            buyerPools[key] = pool.filter { cast.parties[$0].chemicals.contains(chemical) }
        }
        let candidates = buyerPools[key]!.filter { $0 != seller }
        if candidates.isEmpty {
            let chosen = random.pick(cast.endUsers)
            cast.parties[chosen].chemicals.append(chemical)
            cast.parties[chosen].licensed = cast.parties[chosen].licensed || chemicals.isControlled(chemical)
            buyerPools = [:]
            return chosen
        }
        let (lat, lon) = location(seller)
        // Mostly regional trade, with a national tail.
        let weights = candidates.map { candidate -> Double in
            let km = Geography.distanceKm(lat, lon, cast.parties[candidate].lat, cast.parties[candidate].lon) + 60
            return 1 / (km * km)
        }
        return candidates[random.weighted(weights)]
    }

    /// A sale: the transfer record, its delivery leg, both parties' books, and a leak when the
    /// seller is a leaking distributor.
    mutating func sell(_ quantity: Double, of chemical: Int, from seller: Int, to buyer: Int, day: Int, source: String, traceable: Bool) {
        guard day < WorldBuilder.firstDay + WorldBuilder.dayCount + 40 else { return }
        let id = nextTransferID()
        var cells: [String: String] = [:]
        cells["transfer_id"] = id
        cells["date"] = Calendar.date(day)
        let named = declaredChemical(chemical)
        cells["chemical_cas"] = named.cas
        cells["chemical_name"] = named.name
        cells["quantity_kg"] = Format.fixed(quantity, 1)
        cells["from_name"] = render(seller, care: .careful)
        cells["to_name"] = render(buyer)
        cells["from_tax_id"] = renderTaxID(seller, careful: true)
        cells["to_tax_id"] = renderTaxID(buyer)
        if random.chance(0.6) { cells["to_address"] = cast.parties[buyer].address(geography) }
        if traceable { cells["consignment_id"] = source }
        cells["document_ref"] = "FAC-" + String(random.int(10_000_000...99_999_999))
        mention(.transfers, id, .from, seller)
        mention(.transfers, id, .to, buyer)
        traffic.transfers.append(Traffic.Transfer(id: id, day: day, from: seller, to: buyer, chemical: chemical, quantity: quantity,
                                                  source: source, cells: cells))
        traffic.book(seller, chemical, Traffic.Movement(day: day, kind: .sent, quantity: quantity))
        traffic.book(buyer, chemical, Traffic.Movement(day: day, kind: .received, quantity: quantity))
        var leg = plan(from: location(seller), to: location(buyer), departure: departure(on: day), carrier: carrier(), transfer: id,
                       consignment: traceable && random.chance(0.5) ? source : nil)
        leg.legID = uniqueID("L-", digits: 8)
        let index = traffic.addLeg(leg, from: seller)
        traffic.legTransfer[index] = traffic.transfers.count - 1
        // A leaking distributor loses a share of what it receives, off the books.
        if let leak = leaks[buyer], (leak.start...leak.end).contains(day), chemicals.isControlled(chemical) {
            let amount = (quantity * leak.share * 10).rounded() / 10
            if amount > 0 {
                traffic.book(buyer, chemical, Traffic.Movement(day: day + random.int(3...20), kind: .leaked, quantity: amount))
                traffic.divert(source, kg: amount, scheme: .distributorLeak, lab: leak.lab.labID)
                if random.chance(0.5) { leakRiders.append((buyer, day, leak.lab)) }
            }
        }
    }

    /// Leaks that rode on one of the distributor's own delivery trips: that trip stops at the lab.
    mutating func applyLeakRiders() {
        for rider in leakRiders {
            guard let legs = traffic.legsFrom[rider.party] else { continue }
            guard let index = legs.first(where: {
                let departure = traffic.legs[$0].departure / 86_400
                return departure >= rider.day && departure <= rider.day + 25 && traffic.legs[$0].labStop == nil
            }) else { continue }
            traffic.legs[index].labStop = (rider.lab.lat, rider.lab.lon, random.int(20...90) * 60)
            traffic.legs[index].diverting = true
        }
    }

    // MARK: - Record details

    /// A valid IMO ship number (7 digits, the last a check digit).
    func imo(_ random: inout SimRandom) -> String {
        let body = random.int(900_000...999_999)
        let digits = String(body).compactMap { $0.wholeNumberValue }
        let check = zip(digits, [7, 6, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 } % 10
        return "\(body)\(check)"
    }

    /// A valid ISO 6346 container number (owner code, U, serial, check digit).
    func container(_ random: inout SimRandom) -> String {
        let owners = ["MSCU", "MAEU", "CMAU", "HLXU", "COSU", "OOLU", "EGLV", "ONEU", "TGHU", "TCLU"]
        let code = random.pick(owners) + WorldBuilder.pad(random.int(0...999_999), 6)
        var sum = 0
        for (position, character) in code.enumerated() {
            let value: Int
            if let digit = character.wholeNumberValue {
                value = digit
            } else {
                var letterValue = 10
                for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
                    if letterValue % 11 == 0 { letterValue += 1 }
                    if letter == character { break }
                    letterValue += 1
                }
                value = letterValue
            }
            sum += value << position
        }
        return code + String(sum % 11 % 10)
    }
}
