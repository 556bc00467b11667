import Foundation
import RastroModel

/// The records that describe the traffic after the fact: usage reports, the organizations
/// registry, aerial and field observations, incidents.
extension TrafficBuilder {
    /// The day the data set was exported: later reports and incidents do not exist yet.
    static var snapshotDay: Int { WorldBuilder.firstDay + WorldBuilder.dayCount + 20 }

    struct Report {
        var cells: [String: String]
    }

    /// Quarterly usage reports of licensed parties for controlled chemicals: received, consumed
    /// and closing stock. Honest books balance up to counting error; leaking distributors' do
    /// not (minus the share they cover with claimed losses); some fronts file plausible ones.
    mutating func usageReports() -> [Report] {
        var reports: [Report] = []
        for key in traffic.ledgers.keys.sorted() {
            let party = cast.parties[key.party]
            guard chemicals.isControlled(key.chemical), party.role != .exporter, party.role != .carrier else { continue }
            let reporting = party.illicit ? random.chance(parameters.frontsReporting) : party.licensed
            guard reporting, let movements = traffic.ledgers[key] else { continue }
            let seller = party.role == .distributor || party.role == .broker || (party.role == .importer && party.businessType == "distributor")
            let leak = leaks[key.party]
            var bookStock = 0.0
            var physicalStock = 0.0
            for quarter in 0..<4 {
                let start = Calendar.days(year: 2026, month: quarter * 3 + 1, day: 1)
                let end = (quarter == 3 ? Calendar.days(year: 2027, month: 1, day: 1) : Calendar.days(year: 2026, month: quarter * 3 + 4, day: 1)) - 1
                let inQuarter = movements.filter { $0.day >= start && $0.day <= end }
                let received = inQuarter.filter { $0.kind == .received }.reduce(0) { $0 + $1.quantity }
                let sent = inQuarter.filter { $0.kind == .sent }.reduce(0) { $0 + $1.quantity }
                let leaked = inQuarter.filter { $0.kind == .leaked }.reduce(0) { $0 + $1.quantity }
                guard received > 0 || sent > 0 || bookStock > 0.01 else { continue }
                var consumed: Double
                if party.illicit {
                    consumed = (bookStock + received) * random.uniform(0.8, 1)
                } else if seller {
                    consumed = 0
                } else {
                    consumed = (bookStock + received) * random.uniform(0.55, 0.95)
                }
                bookStock = max(0, bookStock + received - sent - consumed)
                physicalStock = max(0, physicalStock + received - sent - consumed - leaked)
                // Claimed losses cover part of a leak; the rest shows as a gap.
                if let leak, leaked > 0 { consumed += leaked * leak.covered }
                let counted = physicalStock * (1 + random.normal(0, parameters.countingError))
                let filed = end + (random.chance(0.08) ? random.int(60...150) : random.int(5...40))
                if !party.illicit, random.chance(0.05) { continue } // missing
                guard filed <= Self.snapshotDay else { continue }
                var cells: [String: String] = [:]
                cells["report_id"] = uniqueID("UR-", digits: 7)
                if let tax = renderTaxID(key.party, careful: true) { cells["org_tax_id"] = tax }
                if cells["org_tax_id"] == nil || random.chance(0.8) { cells["org_name"] = render(key.party, care: .careful) }
                let named = declaredChemical(key.chemical)
                cells["chemical_cas"] = named.cas
                cells["chemical_name"] = named.name
                cells["period_start"] = Calendar.date(start)
                cells["period_end"] = Calendar.date(end)
                cells["received_kg"] = Format.fixed(received, 1)
                cells["consumed_kg"] = Format.fixed(consumed, 1)
                cells["stock_end_kg"] = Format.fixed(max(0, counted), 1)
                cells["filed_on"] = Calendar.date(filed)
                mention(.usageReports, cells["report_id"]!, .reporter, key.party)
                reports.append(Report(cells: cells))
            }
        }
        return reports
    }

    /// The organizations registry: licensed and registered companies, the agencies, and the
    /// fronts that registered. Some companies appear twice (two agencies' registries).
    mutating func registry() -> [Report] {
        var rows: [Report] = []
        for index in cast.parties.indices {
            let party = cast.parties[index]
            guard let orgID = party.orgID, party.role != .exporter, party.role != .person else { continue }
            let copies = party.role != .agency && random.chance(0.08) ? 2 : 1
            for copy in 0..<copies {
                var cells: [String: String] = [:]
                if copy == 0 {
                    cells["org_id"] = orgID
                } else {
                    cells["org_id"] = uniqueID("SAT-", digits: 6)
                }
                cells["name"] = party.role == .agency ? party.name.canonical : render(index, care: copy == 0 ? .careful : .ordinary)
                cells["country"] = party.country
                if party.role != .agency { cells["tax_id"] = renderTaxID(index, careful: true) }
                cells["business_type"] = party.businessType
                if party.city != nil, random.chance(0.9) {
                    cells["address"] = "\(party.street), Col. \(party.colonia)"
                    cells["city"] = geography.cities[party.city!].name
                    cells["state"] = geography.cities[party.city!].state
                    cells["postal_code"] = party.postalCode
                }
                if random.chance(0.6) {
                    cells["lat"] = Format.fixed(party.lat, 6)
                    cells["lon"] = Format.fixed(party.lon, 6)
                }
                cells["registered_on"] = Calendar.date(party.founded)
                if let representative = party.representative, random.chance(0.9) { cells["representative"] = representative }
                if let phone = party.phone, random.chance(0.85) { cells["phone"] = phone }
                if let email = party.email, random.chance(0.7) { cells["email"] = email }
                if copy == 1 { cells["originator"] = "MX-SAT" } // a second registry
                mention(.organizations, cells["org_id"]!, .self, index)
                rows.append(Report(cells: cells))
            }
        }
        return rows
    }

    /// Aerial and field observations: true ones near operating labs, false positives near honest
    /// plants, and background reports anywhere in the cities.
    mutating func observations(trueVehicleSightings: [(lat: Double, lon: Double, time: Int, vehicle: String)]) -> [Report] {
        var rows: [(time: Int, cells: [String: String])] = []
        func add(lat: Double, lon: Double, time: Int, kind: String, confidence: Double, source: String, description: String,
                 vehicle: String? = nil) {
            var cells: [String: String] = [:]
            cells["observed_at"] = Format.timestamp(time)
            cells["lat"] = Format.fixed(lat, 5)
            cells["lon"] = Format.fixed(lon, 5)
            cells["kind"] = kind
            cells["confidence"] = Format.fixed(confidence, 2)
            cells["source"] = source
            cells["description"] = description
            cells["vehicle_id"] = vehicle
            rows.append((time, cells))
        }
        let siteKinds = ["site_activity", "chemical_signature", "waste_dump"]
        let descriptions = ["site_activity": "actividad nocturna inusual en predio", "chemical_signature": "olor químico reportado por vecinos",
                            "waste_dump": "tambos abandonados en terreno baldío", "vehicle": "camión detenido en zona habitacional",
                            "other": "reporte ciudadano sin confirmar"]
        var trueCount = 0
        let labs: [(lab: Truth.Lab, until: Int)] = cast.activeLabs.map { ($0, TrafficBuilder.snapshotDay) }
            + cast.raidedLabs.enumerated().map { ($1, cast.raidDays[$0]) }
        for (lab, until) in labs {
            for _ in 0..<random.int(1...4) {
                let site = Geography.offset(lab.lat, lab.lon, km: random.uniform(0.05, 1.2), bearing: random.uniform(0, 2 * .pi))
                let kind = random.pick(siteKinds)
                let time = random.int((WorldBuilder.firstDay * 86_400)...(until * 86_400))
                add(lat: site.lat, lon: site.lon, time: time, kind: kind, confidence: random.uniform(0.3, 0.9),
                    source: random.pick(["aerial", "aerial", "patrol", "informant"]), description: descriptions[kind]!)
                trueCount += 1
            }
        }
        for sighting in trueVehicleSightings {
            add(lat: sighting.lat, lon: sighting.lon, time: sighting.time, kind: "vehicle", confidence: random.uniform(0.3, 0.8),
                source: "aerial", description: descriptions["vehicle"]!, vehicle: random.chance(0.6) ? sighting.vehicle : nil)
        }
        // False positives near honest chemical plants, and background noise in the cities.
        let plants = cast.endUsers + cast.distributors
        for _ in 0..<Int(Double(trueCount) * parameters.falsePositiveRatio) {
            let plant = cast.parties[random.pick(plants)]
            let site = Geography.offset(plant.lat, plant.lon, km: random.uniform(0.05, 1.5), bearing: random.uniform(0, 2 * .pi))
            let kind = random.pick(siteKinds)
            add(lat: site.lat, lon: site.lon, time: random.int((WorldBuilder.firstDay * 86_400)...((WorldBuilder.firstDay + 364) * 86_400)),
                kind: kind, confidence: random.uniform(0.25, 0.85), source: random.pick(["aerial", "patrol", "informant"]),
                description: descriptions[kind]!)
        }
        let cities = geography.cities.filter { $0.population >= 100_000 }
        for _ in 0..<max(3, trueCount / 2) {
            let city = random.pick(cities)
            let site = Geography.offset(city.lat, city.lon, km: random.uniform(0.5, 9), bearing: random.uniform(0, 2 * .pi))
            let kind = random.pick(siteKinds + ["other", "vehicle"])
            add(lat: site.lat, lon: site.lon, time: random.int((WorldBuilder.firstDay * 86_400)...((WorldBuilder.firstDay + 364) * 86_400)),
                kind: kind, confidence: random.uniform(0.1, 0.7), source: random.pick(["aerial", "patrol", "informant"]),
                description: descriptions[kind]!)
        }
        rows.sort { $0.time < $1.time }
        return rows.enumerated().map { position, row in
            var cells = row.cells
            cells["observation_id"] = "OBS-" + WorldBuilder.pad(position + 1, 6)
            return Report(cells: cells)
        }
    }

    /// A person named in an incident (a driver, a lab operator, a representative), one entity per name.
    mutating func person(_ name: String) -> Int {
        if let known = persons[name] { return known }
        var party = Party(entityID: "E-" + WorldBuilder.pad(cast.parties.count + 1, 5), name: CompanyName(words: [name], legalForm: ""),
                          role: .person, businessType: "other", country: "MX", founded: 0)
        party.isPerson = true
        let index = cast.add(party)
        persons[name] = index
        return index
    }

    /// Incidents: raids on (old) labs, seizures and stopped shipments that reveal a minority of
    /// the schemes, late; suspicious orders reported by honest sellers; thefts from honest carriers.
    mutating func incidents() -> [Report] {
        var rows: [(day: Int, cells: [String: String], named: [Int], lab: String?)] = []
        func add(day: Int, kind: String, lat: Double?, lon: Double?, chemical: Int?, quantity: Double?, named: [Int], description: String,
                 lab: String? = nil) {
            guard day <= Self.snapshotDay else { return }
            var cells: [String: String] = [:]
            cells["date"] = Calendar.date(day)
            cells["kind"] = kind
            if let lat, let lon {
                cells["lat"] = Format.fixed(lat, 5)
                cells["lon"] = Format.fixed(lon, 5)
            }
            cells["country"] = "MX"
            if let chemical {
                let declared = declaredChemical(chemical)
                cells["chemical_cas"] = declared.cas
                cells["chemical_name"] = declared.name
            }
            if let quantity { cells["quantity_kg"] = Format.fixed(quantity, 1) }
            cells["description"] = description
            rows.append((day, cells, named, lab))
        }
        // Raids on labs (the ones in `raidedLabs`; the active labs are elsewhere).
        for (index, lab) in cast.raidedLabs.enumerated() {
            var named: [Int] = []
            for _ in 0..<random.int(1...2) { named.append(person(Names.person(&random))) }
            let fronts = traffic.schemes.filter { scheme in
                scheme.consignmentIDs.contains { traffic.diverted[$0]?.lab == lab.labID }
            }.flatMap(\.entityIDs)
            if let entity = fronts.first, random.chance(0.6), let party = cast.parties.firstIndex(where: { $0.entityID == entity }) {
                named.append(party)
            }
            add(day: cast.raidDays[index], kind: "illicit_lab", lat: lab.lat + random.normal(0, 0.0003), lon: lab.lon + random.normal(0, 0.0003),
                chemical: random.pick(chemicals.fentanyl), quantity: (random.uniform(2, 80) * 10).rounded() / 10, named: named,
                description: "laboratorio clandestino desmantelado", lab: lab.labID)
        }
        // Seizures and stopped shipments: about a quarter of the schemes come to light, weeks later.
        for scheme in traffic.schemes where scheme.kind != .routeDeviation && scheme.kind != .distributorLeak {
            guard random.chance(0.25), let id = scheme.consignmentIDs.first,
                  let consignment = traffic.consignments.first(where: { $0.id == id }) else { continue }
            var named: [Int] = scheme.entityIDs.compactMap { entity in cast.parties.firstIndex { $0.entityID == entity } }
            if random.chance(0.5) { named.append(person(Names.person(&random))) }
            if random.chance(0.3), let representative = named.first.flatMap({ cast.parties[$0].representative }) {
                named.append(person(representative))
            }
            let stopped = scheme.kind == .mislabelling && random.chance(0.6)
            let place = stopped ? (consignment.portLat, consignment.portLon) : pointNear(lab: traffic.diverted[id]?.lab)
            add(day: consignment.day + random.int(stopped ? 2...20 : 15...90), kind: stopped ? "stopped_shipment" : "seizure",
                lat: place.0, lon: place.1, chemical: consignment.chemical,
                quantity: (consignment.quantity * random.uniform(0.3, 1) * 10).rounded() / 10, named: named,
                description: stopped ? "mercancía retenida en revisión aduanera" : "aseguramiento en carretera")
        }
        // Suspicious orders reported by honest distributors: they name a front that tried to buy.
        let fronts = cast.parties.indices.filter { cast.parties[$0].role == .front }
        for front in fronts where random.chance(0.15) {
            let reporter = random.pick(cast.distributors)
            let place = location(reporter)
            add(day: seasonalDay(), kind: "suspicious_order", lat: place.0, lon: place.1, chemical: random.pick(chemicals.fentanyl),
                quantity: nil, named: [front], description: "pedido inusual reportado por distribuidor")
        }
        // Noise: thefts from honest carriers, and seizures naming honest parties whose goods were misused.
        for _ in 0..<max(2, traffic.schemes.count / 3) {
            let carrier = random.pick(cast.carriers)
            let city = random.pick(geography.cities.filter { $0.population > 100_000 })
            let place = Geography.offset(city.lat, city.lon, km: random.uniform(5, 40), bearing: random.uniform(0, 2 * .pi))
            add(day: seasonalDay(), kind: "theft", lat: place.lat, lon: place.lon,
                chemical: random.pick(chemicals.tableII + chemicals.tableI), quantity: (random.uniform(200, 8_000)).rounded(),
                named: [carrier], description: "robo de unidad con carga química")
        }
        for _ in 0..<max(1, traffic.schemes.count / 6) {
            let honest = random.pick(cast.distributors + cast.importers)
            let place = pointNear(lab: nil)
            add(day: seasonalDay(), kind: "seizure", lat: place.0, lon: place.1, chemical: random.pick(chemicals.tableII),
                quantity: (random.uniform(50, 2_000)).rounded(), named: [honest, person(Names.person(&random))],
                description: "aseguramiento de sustancias sin documentación completa")
        }
        rows.sort { $0.day < $1.day }
        var reports: [Report] = []
        for (position, row) in rows.enumerated() {
            var cells = row.cells
            let id = "INC-" + WorldBuilder.pad(position + 1, 5)
            cells["incident_id"] = id
            if let lab = row.lab { raidIncidents[lab] = id }
            if !row.named.isEmpty {
                var names: [String] = []
                var taxIDs: [String] = []
                for (slot, party) in row.named.enumerated() {
                    names.append(render(party, care: .sloppy).replacingOccurrences(of: ";", with: ","))
                    taxIDs.append(cast.parties[party].isPerson ? "" : (renderTaxID(party) ?? ""))
                    mention(.incidents, "\(id)#\(slot)", .named, party)
                }
                cells["entity_names"] = names.joined(separator: ";")
                if taxIDs.contains(where: { !$0.isEmpty }) { cells["entity_tax_ids"] = taxIDs.joined(separator: ";") }
            }
            reports.append(Report(cells: cells))
        }
        return reports
    }

    /// A point on a highway near a lab (or anywhere on the main corridors).
    mutating func pointNear(lab id: String?) -> (Double, Double) {
        if let id, let lab = (cast.activeLabs + cast.raidedLabs).first(where: { $0.labID == id }) {
            let point = Geography.offset(lab.lat, lab.lon, km: random.uniform(15, 120), bearing: random.uniform(0, 2 * .pi))
            return (point.lat, point.lon)
        }
        let crossing = random.pick(geography.crossings)
        let point = Geography.offset(crossing.lat, crossing.lon, km: random.uniform(2, 60), bearing: random.uniform(0, 2 * .pi))
        return (point.lat, point.lon)
    }
}
