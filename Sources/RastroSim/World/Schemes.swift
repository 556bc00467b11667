import RastroModel

/// The diversion schemes. Each adds its own records (fronts' imports, structured lots) or bends
/// honest ones (leaks, deviating trips), and records itself in the truth. None of them is given
/// away by one field: the schemes borrow honest chemicals, quantities, ports and paperwork, and
/// honest trade carries the same oddities at lower rates (see `Parameters`).
extension TrafficBuilder {
    /// Budget of diverted consignments per scheme, out of `total`.
    static func budget(_ total: Int) -> [Truth.SchemeKind: Int] {
        let shares: [(Truth.SchemeKind, Double)] = [(.frontImporter, 0.22), (.structuring, 0.15), (.identityGames, 0.08),
                                                     (.mislabelling, 0.1), (.transshipment, 0.1), (.distributorLeak, 0.17),
                                                     (.routeDeviation, 0.18)]
        var out: [Truth.SchemeKind: Int] = [:]
        for (kind, share) in shares { out[kind] = max(1, Int((Double(total) * share).rounded())) }
        return out
    }

    /// A lab that is operating on `day`: an active one, or a raided one before its raid.
    mutating func lab(on day: Int, near point: (Double, Double)? = nil) -> Truth.Lab {
        var candidates = cast.activeLabs
        for (index, lab) in cast.raidedLabs.enumerated() where day < cast.raidDays[index] - 5 { candidates.append(lab) }
        guard let point else { return random.pick(candidates) }
        let weights = candidates.map { 1 / (Geography.distanceKm(point.0, point.1, $0.lat, $0.lon) + 30) }
        return candidates[random.weighted(weights)]
    }

    /// A front company: young, often at a house, its tax id often missing or wrong, near its lab.
    mutating func front(lab: Truth.Lab, firstDay: Int, sharing other: Int? = nil) -> Int {
        let name = Names.mexicanCompany(&random)
        var party = Party(entityID: "E-" + WorldBuilder.pad(cast.parties.count + 1, 5), orgID: nil, name: name, role: .front,
                          businessType: random.pick(["distributor", "distributor", "other", "laboratory"]), country: "MX",
                          founded: firstDay - random.int(25...150))
        party.illicit = true
        if random.chance(0.6) { party.orgID = uniqueID("ORG-", digits: 6) }
        let labCity = geography.cities.indices.min {
            Geography.distanceKm(geography.cities[$0].lat, geography.cities[$0].lon, lab.lat, lab.lon)
                < Geography.distanceKm(geography.cities[$1].lat, geography.cities[$1].lon, lab.lat, lab.lon)
        }
        party.city = random.chance(0.6) ? labCity : random.pick(geography.cities.indices.filter { geography.cities[$0].population > 150_000 })
        WorldBuilder.place(&party, geography: geography, random: &random, residential: random.chance(0.7))
        if random.chance(0.75) { party.rfc = Names.companyRFC(&random, name: name, founded: party.founded) }
        party.representative = Names.person(&random)
        party.phone = Names.phone(&random, city: geography.cities[party.city!].name)
        if random.chance(0.5) { party.email = WorldBuilder.email(for: name, &random) }
        if let other {
            // Identity games: the fronts of one ring share a phone, an address or a representative.
            let shared = cast.parties[other]
            switch random.int(0...2) {
            case 0: party.phone = shared.phone
            case 1:
                party.street = shared.street; party.colonia = shared.colonia; party.postalCode = shared.postalCode
                party.city = shared.city; party.lat = shared.lat; party.lon = shared.lon
            default: party.representative = shared.representative
            }
        }
        party.licensed = random.chance(0.5)
        return cast.add(party)
    }

    mutating func schemes() {
        let total = Int((Double(parameters.consignments) * parameters.divertedShare).rounded())
        let budget = Self.budget(total)
        var schemeCounter = 0
        func schemeID() -> String { schemeCounter += 1; return "S-" + WorldBuilder.pad(schemeCounter, 3) }

        // Front importers: a few imports of precursors in a short window, then gone.
        var left = budget[.frontImporter] ?? 0
        while left > 0 {
            let count = min(left, random.int(2...6))
            left -= count
            let start = seasonalDay(from: 0, to: WorldBuilder.dayCount - 100)
            let lab = lab(on: start)
            let front = front(lab: lab, firstDay: start)
            var ids: [String] = []
            var day = start
            for _ in 0..<count {
                let chemical = random.chance(0.75) ? random.pick(chemicals.fentanyl) : random.pick(chemicals.tableI)
                let quantity = quantity(chemical, &random, diverted: true)
                let id = consignment(importer: front, chemical: chemical, quantity: quantity, day: day, care: parameters.schemeCare,
                                     exporterCountry: random.chance(0.8) ? random.pick(["CN", "CN", "IN"]) : nil,
                                     legDestination: location(front), labStop: lab)
                traffic.divert(id, kg: quantity, scheme: .frontImporter, lab: lab.labID)
                cast.parties[front].chemicals.append(chemical)
                ids.append(id)
                day += random.int(7...30)
            }
            cast.parties[front].vanishes = day + 30
            traffic.schemes.append(Truth.Scheme(schemeID: schemeID(), kind: .frontImporter, entityIDs: [cast.parties[front].entityID],
                                                consignmentIDs: ids, records: [],
                                                note: "front importer registered shortly before its first import; gone after \(Calendar.date(day + 30))"))
        }

        // Structuring: many small lots under name variants, through several ports, within weeks.
        left = budget[.structuring] ?? 0
        while left > 0 {
            let count = min(left, random.int(6...12))
            left -= count
            let start = seasonalDay(from: 0, to: WorldBuilder.dayCount - 80)
            let lab = lab(on: start)
            let importer = random.chance(0.7) ? front(lab: lab, firstDay: start) : random.pick(cast.importers)
            let chemical = random.pick(chemicals.fentanyl)
            let ports = (0..<random.int(2...3)).map { _ in mainPorts[random.weighted(portWeights)] }
            var ids: [String] = []
            for _ in 0..<count {
                let quantity = (random.uniform(5, 24.5) * 2).rounded() / 2
                let day = start + random.int(0...50)
                let id = consignment(importer: importer, chemical: chemical, quantity: quantity, day: day, care: .sloppy,
                                     port: random.pick(ports), legDestination: location(importer), labStop: lab)
                traffic.divert(id, kg: quantity, scheme: .structuring, lab: lab.labID)
                if cast.parties[importer].illicit { traffic.divert(id, kg: 0, scheme: .identityGames, lab: nil) }
                ids.append(id)
            }
            cast.parties[importer].chemicals.append(chemical)
            traffic.schemes.append(Truth.Scheme(schemeID: schemeID(), kind: .structuring, entityIDs: [cast.parties[importer].entityID],
                                                consignmentIDs: ids.sorted(), records: [],
                                                note: "\(count) lots of 5–25 kg of \(chemicals.catalog.chemicals[chemical].nameEN) under name variants"))
        }

        // Identity games: a ring of fronts sharing a phone, an address or a representative.
        left = budget[.identityGames] ?? 0
        while left > 0 {
            let start = seasonalDay(from: 0, to: WorldBuilder.dayCount - 90)
            let lab = lab(on: start)
            var ring: [Int] = [front(lab: lab, firstDay: start)]
            for _ in 1..<random.int(2...4) { ring.append(front(lab: lab, firstDay: start + random.int(0...30), sharing: random.pick(ring))) }
            var ids: [String] = []
            for member in ring where left > 0 {
                for _ in 0..<random.int(1...2) where left > 0 {
                    left -= 1
                    let chemical = random.chance(0.7) ? random.pick(chemicals.fentanyl) : random.pick(chemicals.tableI + chemicals.tableII)
                    let quantity = quantity(chemical, &random, diverted: true)
                    let id = consignment(importer: member, chemical: chemical, quantity: quantity, day: start + random.int(0...75),
                                         care: .sloppy, legDestination: location(member), labStop: lab)
                    traffic.divert(id, kg: quantity, scheme: .identityGames, lab: lab.labID)
                    cast.parties[member].chemicals.append(chemical)
                    ids.append(id)
                }
            }
            traffic.schemes.append(Truth.Scheme(schemeID: schemeID(), kind: .identityGames, entityIDs: ring.map { cast.parties[$0].entityID },
                                                consignmentIDs: ids, records: [],
                                                note: "\(ring.count) fronts sharing a phone, an address or a representative"))
        }

        // Mislabelling: the declaration disagrees with itself, or hides the chemical entirely.
        left = budget[.mislabelling] ?? 0
        while left > 0 {
            left -= 1
            let day = seasonalDay()
            let lab = lab(on: day)
            let complicit = random.chance(0.5)
            let importer = complicit ? random.pick(cast.importers) : front(lab: lab, firstDay: day)
            let chemical = random.chance(0.7) ? random.pick(chemicals.fentanyl) : random.pick(chemicals.tableI)
            let cover = chemicals.catalog.chemicals[random.pick(chemicals.uncontrolled)]
            let truth = chemicals.catalog.chemicals[chemical]
            let declared: (cas: String?, name: String?, hs: String?)
            let how: String
            switch random.int(0...3) {
            case 0: declared = (truth.cas, cover.nameES, cover.hsCodes.first); how = "true CAS under an ordinary chemical's name and code"
            case 1: declared = (cover.cas, truth.nameES, truth.hsCodes.first); how = "true name and code under an ordinary chemical's CAS"
            case 2: declared = (cover.cas, cover.nameES, truth.hsCodes.first); how = "an ordinary chemical declared, with the true HS code"
            default: declared = (cover.cas, cover.nameES, cover.hsCodes.first); how = "declared entirely as an ordinary chemical"
            }
            let quantity = quantity(chemical, &random, diverted: true)
            let id = consignment(importer: importer, chemical: chemical, quantity: quantity, day: day, care: parameters.schemeCare,
                                 declared: declared, legDestination: location(importer), labStop: lab)
            traffic.divert(id, kg: quantity, scheme: .mislabelling, lab: lab.labID)
            traffic.schemes.append(Truth.Scheme(schemeID: schemeID(), kind: .mislabelling, entityIDs: [cast.parties[importer].entityID],
                                                consignmentIDs: [id], records: [], note: how + (complicit ? " (by a registered importer)" : "")))
        }

        // Transshipment through a third country.
        left = budget[.transshipment] ?? 0
        while left > 0 {
            let count = min(left, random.int(1...3))
            left -= count
            let start = seasonalDay(from: 0, to: WorldBuilder.dayCount - 60)
            let lab = lab(on: start)
            let importer = random.chance(0.6) ? front(lab: lab, firstDay: start) : random.pick(cast.importers)
            var ids: [String] = []
            for _ in 0..<count {
                let chemical = random.chance(0.7) ? random.pick(chemicals.fentanyl) : random.pick(chemicals.tableI)
                let quantity = quantity(chemical, &random, diverted: true)
                let id = consignment(importer: importer, chemical: chemical, quantity: quantity, day: start + random.int(0...50),
                                     care: parameters.schemeCare, exporterCountry: random.pick(["CN", "IN"]), transship: true,
                                     legDestination: location(importer), labStop: lab)
                traffic.divert(id, kg: quantity, scheme: .transshipment, lab: lab.labID)
                cast.parties[importer].chemicals.append(chemical)
                ids.append(id)
            }
            traffic.schemes.append(Truth.Scheme(schemeID: schemeID(), kind: .transshipment, entityIDs: [cast.parties[importer].entityID],
                                                consignmentIDs: ids, records: [], note: "loaded in a third country's hub port"))
        }
    }

    /// Chooses the leaking distributors before the honest trade runs through them.
    mutating func planLeaks() {
        let total = Int((Double(parameters.consignments) * parameters.divertedShare).rounded())
        let wanted = Self.budget(total)[.distributorLeak] ?? 1
        let candidates = cast.distributors.filter { cast.parties[$0].chemicals.contains(where: chemicals.isControlled) }
        let count = min(candidates.count, max(1, wanted / 5))
        for index in random.sample(count, of: candidates.count) {
            let party = candidates[index]
            let start = random.int(0...200)
            let lab = lab(on: WorldBuilder.firstDay + start, near: location(party))
            leaks[party] = (WorldBuilder.firstDay + start, WorldBuilder.firstDay + start + random.int(90...160),
                            random.uniform(parameters.leakShare.lowerBound, parameters.leakShare.upperBound),
                            random.uniform(parameters.leakCovered.lowerBound, parameters.leakCovered.upperBound), lab)
        }
    }

    mutating func recordLeaks() {
        var received: [Int: [Int]] = [:]
        for (index, transfer) in traffic.transfers.enumerated() where leaks[transfer.to] != nil { received[transfer.to, default: []].append(index) }
        for party in leaks.keys.sorted() {
            guard let leak = leaks[party] else { continue }
            let ids = Set((received[party] ?? []).map { traffic.transfers[$0] }.filter { transfer in
                (leak.start...leak.end).contains(transfer.day) && chemicals.isControlled(transfer.chemical)
                    && traffic.diverted[transfer.source]?.schemes.contains(.distributorLeak) == true
            }.map(\.source)).sorted()
            traffic.schemes.append(Truth.Scheme(schemeID: "S-L" + WorldBuilder.pad(traffic.schemes.count + 1, 3), kind: .distributorLeak,
                                                entityIDs: [cast.parties[party].entityID], consignmentIDs: ids, records: [],
                                                note: "leaks \(Int((leak.share * 100).rounded())) % of controlled receipts from \(Calendar.date(leak.start)) to \(Calendar.date(leak.end)); claimed losses cover \(Int((leak.covered * 100).rounded())) % of it"))
        }
    }

    /// Honest trips that stop at a lab on the way and leave part of the load there.
    mutating func routeDeviations() {
        let total = Int((Double(parameters.consignments) * parameters.divertedShare).rounded())
        var left = Self.budget(total)[.routeDeviation] ?? 1
        var attempts = 0
        var ids: [String] = []
        var records: [String] = []
        let allLabs = cast.activeLabs
        while left > 0, attempts < 200 * max(1, left) {
            attempts += 1
            let index = random.int(0...(traffic.legs.count - 1))
            let leg = traffic.legs[index]
            guard !leg.diverting, leg.labStop == nil, let transferIndex = traffic.legTransfer[index] else { continue }
            let transfer = traffic.transfers[transferIndex]
            guard chemicals.isControlled(transfer.chemical), traffic.diverted[transfer.source] == nil else { continue }
            let midLat = (leg.originLat + leg.destinationLat) / 2, midLon = (leg.originLon + leg.destinationLon) / 2
            let length = Geography.distanceKm(leg.originLat, leg.originLon, leg.destinationLat, leg.destinationLon)
            guard let lab = allLabs.min(by: {
                Geography.distanceKm(midLat, midLon, $0.lat, $0.lon) < Geography.distanceKm(midLat, midLon, $1.lat, $1.lon)
            }), Geography.distanceKm(midLat, midLon, lab.lat, lab.lon) < max(60, length * 0.6) else { continue }
            traffic.legs[index].labStop = (lab.lat, lab.lon, random.int(30...140) * 60)
            traffic.legs[index].diverting = true
            let kg = (transfer.quantity * random.uniform(0.1, 0.35) * 10).rounded() / 10
            traffic.divert(transfer.source, kg: kg, scheme: .routeDeviation, lab: lab.labID)
            ids.append(transfer.source)
            records.append("legs:" + leg.legID)
            left -= 1
        }
        if !ids.isEmpty {
            traffic.schemes.append(Truth.Scheme(schemeID: "S-R001", kind: .routeDeviation, entityIDs: [], consignmentIDs: ids.sorted(),
                                                records: records.sorted(),
                                                note: "honest carriers' trips that stop at a lab and leave part of the load"))
        }
    }
}
