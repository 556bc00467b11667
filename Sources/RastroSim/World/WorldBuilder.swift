import RastroModel

/// Builds the simulated world's cast: agencies, exporters, importers, distributors, brokers,
/// carriers, licensed end users, and the labs. The schemes and the traffic come later
/// (`Traffic`, `Schemes`).
struct Cast {
    var parties: [Party] = []
    var agencies: [Int] = []
    var exporters: [Int] = []
    var importers: [Int] = []
    var distributors: [Int] = []
    var endUsers: [Int] = []
    var carriers: [Int] = []
    var brokers: [Int] = []
    var activeLabs: [Truth.Lab] = []
    var raidedLabs: [Truth.Lab] = []
    /// Raid day of each raided lab (aligned with `raidedLabs`).
    var raidDays: [Int] = []

    mutating func add(_ party: Party) -> Int {
        parties.append(party)
        return parties.count - 1
    }
}

/// The chemicals the world trades, by how they are used.
struct ChemicalGroups {
    let catalog: ChemicalCatalog
    let fentanyl: [Int]
    let tableI: [Int]
    let tableII: [Int]
    let uncontrolled: [Int]

    init(catalog: ChemicalCatalog) {
        self.catalog = catalog
        let index = { (cas: String) in catalog.chemicals.firstIndex { $0.cas == cas } }
        fentanyl = catalog.chemicals.indices.filter { catalog.chemicals[$0].fentanylPrecursor }
        tableI = ["108-24-7", "7722-64-7", "103-82-2", "90-82-4", "299-42-3", "120-58-1"].compactMap(index)
        tableII = ["67-64-1", "108-88-3", "78-93-3", "7647-01-0", "7664-93-9", "60-29-7", "110-89-4"].compactMap(index)
        uncontrolled = catalog.chemicals.indices.filter { !catalog.chemicals[$0].isControlled }
    }

    func isControlled(_ index: Int) -> Bool { catalog.chemicals[index].isControlled }
}

enum WorldBuilder {
    /// 2026-01-01, the first day of the simulated year.
    static let firstDay = Calendar.days(year: 2026, month: 1, day: 1)
    static let dayCount = 365

    static func cast(_ parameters: Parameters, geography: Geography, chemicals: ChemicalGroups, random: SimRandom) -> Cast {
        var cast = Cast()
        var random = random
        var nextEntity = 1
        var nextOrg = 1
        func entityID() -> String { defer { nextEntity += 1 }; return "E-" + pad(nextEntity, 5) }
        func orgID() -> String { defer { nextOrg += 1 }; return "ORG-" + pad(nextOrg, 5) }
        let bigCities = geography.cities.indices.filter { geography.cities[$0].population >= 100_000 }
        let cityWeights = bigCities.map { Double(geography.cities[$0].population).squareRoot() }

        // Agencies: the originators of the data.
        for (code, name) in [("MX-ANAM", "Agencia Nacional de Aduanas de México"), ("MX-COFEPRIS", "Comisión Federal para la Protección contra Riesgos Sanitarios"),
                             ("MX-SICT", "Secretaría de Infraestructura, Comunicaciones y Transportes"), ("MX-GN", "Guardia Nacional"),
                             ("MX-SEDENA", "Secretaría de la Defensa Nacional"), ("MX-FGR", "Fiscalía General de la República")] {
            var party = Party(entityID: entityID(), orgID: code, name: CompanyName(words: [name], legalForm: ""), role: .agency,
                              businessType: "agency", country: "MX", founded: Calendar.days(year: 1990, month: 1, day: 1))
            party.city = geography.cities.firstIndex { $0.name == "Mexico City" }
            place(&party, geography: geography, random: &random, residential: false)
            cast.agencies.append(cast.add(party))
        }

        func company(role: Party.Role, businessType: String, heads: [String] = Names.heads, chemicals dealt: [Int]) -> Party {
            let name = Names.mexicanCompany(&random, heads: heads)
            // A few honest companies are young too: a new company is a reason to look, not proof.
            let founded = firstDay - (random.chance(0.06) ? random.int(20...400) : random.int(400...14_000))
            var party = Party(entityID: entityID(), orgID: orgID(), name: name, role: role, businessType: businessType, country: "MX",
                              founded: founded)
            party.rfc = Names.companyRFC(&random, name: name, founded: founded)
            party.city = bigCities[random.weighted(cityWeights)]
            place(&party, geography: geography, random: &random, residential: random.chance(0.04))
            party.representative = Names.person(&random)
            party.phone = Names.phone(&random, city: geography.cities[party.city!].name)
            party.email = email(for: name, &random)
            party.chemicals = dealt
            party.licensed = dealt.contains(where: chemicals.isControlled)
            return party
        }

        // Foreign exporters.
        let exporterCountries = ["CN", "CN", "CN", "IN", "IN", "DE", "US", "US", "NL", "KR", "JP", "ES", "BE"]
        for _ in 0..<parameters.exporters {
            let country = random.pick(exporterCountries)
            let name = Names.foreignCompany(&random, country: country)
            var party = Party(entityID: entityID(), name: name, role: .exporter, businessType: "manufacturer", country: country,
                              founded: firstDay - random.int(1_000...12_000))
            party.chemicals = country == "CN" || country == "IN"
                ? Array(Set(chemicals.fentanyl + chemicals.tableI + chemicals.tableII.prefix(3) + chemicals.uncontrolled.prefix(4))).sorted()
                : Array(Set(chemicals.tableI + chemicals.tableII + chemicals.uncontrolled)).sorted()
            cast.exporters.append(cast.add(party))
        }

        // Importers: bulk distributors, fine-chemical distributors, pharmaceutical manufacturers.
        for index in 0..<parameters.importers {
            let kind = index % 3
            var dealt: [Int]
            var party: Party
            switch kind {
            case 0:
                dealt = pickSome(chemicals.tableII + chemicals.uncontrolled, 3...6, &random) + pickSome(chemicals.tableI, 0...1, &random)
                party = company(role: .importer, businessType: "distributor", chemicals: dealt.sorted())
            case 1:
                dealt = pickSome(chemicals.fentanyl, 1...3, &random) + pickSome(chemicals.tableI, 1...2, &random)
                    + pickSome(chemicals.uncontrolled, 1...2, &random)
                party = company(role: .importer, businessType: "distributor", chemicals: dealt.sorted())
            default:
                dealt = pickSome(chemicals.fentanyl, 1...2, &random) + pickSome(chemicals.tableI + chemicals.tableII, 1...2, &random)
                party = company(role: .importer, businessType: "manufacturer", heads: Names.endUserHeads, chemicals: dealt.sorted())
            }
            cast.importers.append(cast.add(party))
        }
        for _ in 0..<parameters.distributors {
            let dealt = pickSome(chemicals.fentanyl, 0...2, &random) + pickSome(chemicals.tableI, 1...3, &random)
                + pickSome(chemicals.tableII, 1...3, &random) + pickSome(chemicals.uncontrolled, 1...3, &random)
            cast.distributors.append(cast.add(company(role: .distributor, businessType: "distributor", chemicals: dealt.sorted())))
        }
        for index in 0..<parameters.endUsers {
            let type = ["manufacturer", "manufacturer", "laboratory", "pharmacy", "other"][index % 5]
            var dealt = pickSome(chemicals.tableII + chemicals.uncontrolled, 1...3, &random) + pickSome(chemicals.tableI, 0...1, &random)
            if type == "manufacturer" || type == "laboratory", random.chance(0.35) { dealt += pickSome(chemicals.fentanyl, 1...1, &random) }
            var party = company(role: .endUser, businessType: type, heads: Names.endUserHeads, chemicals: Array(Set(dealt)).sorted())
            if type == "other" {
                let city = geography.cities[party.city!]
                party.name = CompanyName(words: (random.pick(Names.universities) + " " + city.state).split(separator: " ").map(String.init),
                                         legalForm: "")
                party.rfc = Names.companyRFC(&random, name: party.name, founded: party.founded)
            }
            cast.endUsers.append(cast.add(party))
        }
        for _ in 0..<parameters.carriers {
            cast.carriers.append(cast.add(company(role: .carrier, businessType: "carrier", heads: Names.carrierHeads, chemicals: [])))
        }
        for _ in 0..<parameters.brokers {
            cast.brokers.append(cast.add(company(role: .broker, businessType: "broker", heads: Names.brokerHeads, chemicals: [])))
        }
        // Ordinary coincidences that look like identity games: companies in one office tower, and
        // legal representatives who sign for several companies.
        let companies = cast.importers + cast.distributors + cast.endUsers
        for _ in 0..<max(2, companies.count / 25) {
            let a = random.pick(companies), b = random.pick(companies)
            guard a != b, cast.parties[a].city == cast.parties[b].city else { continue }
            if random.chance(0.5) {
                cast.parties[b].street = cast.parties[a].street
                cast.parties[b].colonia = cast.parties[a].colonia
                cast.parties[b].postalCode = cast.parties[a].postalCode
                cast.parties[b].lat = cast.parties[a].lat
                cast.parties[b].lon = cast.parties[a].lon
            } else {
                cast.parties[b].representative = cast.parties[a].representative
            }
        }

        // Labs: small urban sites in real cities, mostly where the trade in precursors is known to end.
        let labStates: Set<String> = ["MX-SIN", "MX-JAL", "MX-MIC", "MX-SON", "MX-BCN", "MX-MEX", "MX-CMX", "MX-GUA", "MX-DUR",
                                      "MX-CHH", "MX-NAY", "MX-COL"]
        let labCities = geography.cities.indices.filter {
            geography.cities[$0].population >= 80_000 && labStates.contains(geography.cities[$0].stateCode)
        }
        let labWeights = labCities.map { Double(geography.cities[$0].population).squareRoot() }
        for index in 0..<(parameters.labs + parameters.raidedLabs) {
            let city = geography.cities[labCities[random.weighted(labWeights)]]
            let site = Geography.offset(city.lat, city.lon, km: random.uniform(0.8, 6), bearing: random.uniform(0, 2 * .pi))
            if index < parameters.labs {
                cast.activeLabs.append(Truth.Lab(labID: "LAB-" + pad(index + 1, 3), lat: round6(site.lat), lon: round6(site.lon),
                                                 city: city.name, state: city.state,
                                                 activeFrom: Calendar.date(firstDay - random.int(30...400))))
            } else {
                let raid = firstDay + random.int(60...300)
                cast.raidedLabs.append(Truth.Lab(labID: "LAB-" + pad(index + 1, 3), lat: round6(site.lat), lon: round6(site.lon),
                                                 city: city.name, state: city.state,
                                                 activeFrom: Calendar.date(firstDay - random.int(30...300)), activeTo: Calendar.date(raid)))
                cast.raidDays.append(raid)
            }
        }
        return cast
    }

    /// Puts a party at a street address in its city: industrial areas for most, a house for a few.
    static func place(_ party: inout Party, geography: Geography, random: inout SimRandom, residential: Bool) {
        guard let cityIndex = party.city else { return }
        let city = geography.cities[cityIndex]
        party.residential = residential
        party.street = "\(random.pick(Names.streets)) \(random.int(1...4_800))"
        party.colonia = residential ? random.pick(Names.residentialColonias) : random.pick(Names.colonias)
        let prefixes = Names.postalPrefixes[city.stateCode] ?? 1...99
        party.postalCode = Names.format2(random.int(prefixes)) + pad(random.int(0...999), 3)
        let site = Geography.offset(city.lat, city.lon, km: random.uniform(residential ? 0.5 : 2, residential ? 7 : 12),
                                    bearing: random.uniform(0, 2 * .pi))
        party.lat = round6(site.lat)
        party.lon = round6(site.lon)
    }

    static func email(for name: CompanyName, _ random: inout SimRandom) -> String {
        let stem = Names.stripAccents(name.words.prefix(2).joined()).lowercased().filter { $0.isLetter || $0.isNumber }
        return random.pick(["contacto", "ventas", "compras", "administracion", "info"]) + "@" + stem + random.pick([".com.mx", ".mx", ".com"])
    }

    static func pickSome(_ items: [Int], _ count: ClosedRange<Int>, _ random: inout SimRandom) -> [Int] {
        random.sample(random.int(count), of: items.count).map { items[$0] }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    static func round6(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }
}
