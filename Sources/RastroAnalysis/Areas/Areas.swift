import Foundation
public import RastroModel

/// A ranked place where diverted chemicals are likely used: a candidate for investigation.
public struct Area: Sendable, Hashable, Codable {
    public var lat: Double
    public var lon: Double
    public var radiusKm: Double
    /// In [0, 1], relative to the best area of the run.
    public var score: Double
    public var evidence: [Findings.EvidenceRef]
    /// Why, in words: what kinds of evidence and how much of each (English).
    public var reasons: [String]
    /// The same as counts by kind of evidence (`dwell`, `recurring_stop`, `observation`, …), for
    /// the workbench's languages; nil in runs stored before it existed.
    public var counts: [String: Int]?
}

/// Evidence points, each with a weight, aggregated on a hexagonal grid of `cellKm` cells: a cell
/// scores its own points' weights plus half its six neighbours'. The best cells become areas;
/// an area's centre is the weighted mean of the points it counts, and a cell within
/// `separationKm` of a better area is not another area.
enum Areas {
    struct Point {
        var lat: Double
        var lon: Double
        var weight: Double
        var kind: String
        var evidence: Findings.EvidenceRef
        /// Days since 1970, when known.
        var day: Int? = nil
        /// For evidence that points at a place by itself, what kind of signal it is (each kind of
        /// field report its own); nil for ordinary stops.
        var signal: String? = nil
    }

    /// Evidence this close to a lab already dismantled (an `illicit_lab` incident), from before the
    /// raid, is explained by that lab: it is known, not a lead.
    static let knownLabKm = 1.0

    static let cellKm = 1.2
    static let separationKm = 4.0
    static let limit = 50

    static func rank(data: AnalysisData, routes: [RouteEvidence], consignments: [Assessment], entities: [Assessment], rules: Rules) -> [Area] {
        var points: [Point] = []
        let riskOfLegConsignment = Dictionary(consignments.map { ($0.id, $0.risk) }, uniquingKeysWith: max)
        var consignmentOfLeg: [String: String] = [:]
        for leg in data.legs { if let consignment = leg.consignmentID { consignmentOfLeg[leg.legID] = consignment } }
        // Stops off the route: where a load may have been left. A stop other vehicles also made,
        // away from every known site and at the cost of a detour, says far more than one alone.
        var recurringStops = Set<String>()
        for found in rules.recurringOfLeg.values {
            recurringStops.insert(found.stop.legID + "@" + String(found.stop.start))
        }
        for evidence in routes where evidence.kind == .dwell || evidence.kind == .stop || evidence.kind == .offCorridor {
            let boost = consignmentOfLeg[evidence.legID].flatMap { riskOfLegConsignment[$0] } ?? 0
            let recurring = recurringStops.contains(evidence.legID + "@" + String(evidence.start))
            let base: Double
            switch evidence.kind {
            case .dwell, .stop: base = recurring ? 2.0 : 0.02
            default: base = 0.01
            }
            points.append(Point(lat: evidence.lat, lon: evidence.lon, weight: base * (1 + boost),
                                kind: recurring ? "recurring_stop" : evidence.kind.rawValue, evidence: .init(kind: Kind.legs.rawValue, id: evidence.legID),
                                day: Int(evidence.start / 86_400), signal: recurring ? "recurring_stop" : nil))
        }
        // Field and aerial reports. A stopped vehicle is telling where no facility is known, and more
        // so when it is one of the vehicles that carry the chemicals.
        let carriers = Set(data.legs.map(\.vehicleID))
        for observation in data.observations {
            let base: Double
            switch observation.kind {
            case "chemical_signature": base = 1.2
            case "site_activity", "waste_dump": base = 1.0
            case "vehicle": base = observation.vehicleID.map(carriers.contains) == true ? 1.5 : 1.0
            default: base = 0.3
            }
            points.append(Point(lat: observation.position.lat, lon: observation.position.lon, weight: 2 * base * (observation.confidence ?? 0.5),
                                kind: "observation", evidence: .init(kind: Kind.observations.rawValue, id: observation.observationID),
                                day: Clock.day(String(observation.observedAt.prefix(10))), signal: "observation:" + observation.kind))
        }
        // Seizures and stopped shipments say where diverted chemicals travelled.
        for incident in data.incidents {
            guard let position = incident.position, incident.kind != "illicit_lab" else { continue }
            points.append(Point(lat: position.lat, lon: position.lon, weight: 0.4, kind: "incident",
                                evidence: .init(kind: Kind.incidents.rawValue, id: incident.incidentID), signal: "incident"))
        }
        // Risky parties' premises.
        let entityRisk = Dictionary(entities.map { ($0.id, $0.risk) }, uniquingKeysWith: max)
        for (entity, organizations) in rules.organizationsOf.sorted(by: { $0.key < $1.key }) {
            guard let risk = entityRisk[entity], risk >= 0.3 else { continue }
            for organization in organizations {
                guard let lat = organization.lat, let lon = organization.lon else { continue }
                points.append(Point(lat: lat, lon: lon, weight: risk, kind: "risky_party",
                                    evidence: .init(kind: Kind.organizations.rawValue, id: organization.orgID), signal: "risky_party"))
            }
        }
        let raids = data.incidents.compactMap { incident -> (Coordinate, Int)? in
            guard incident.kind == "illicit_lab", let position = incident.position, let day = Clock.day(String(incident.date.prefix(10))) else { return nil }
            return (position, day)
        }
        if !raids.isEmpty {
            points.removeAll { point in
                guard let day = point.day else { return false }
                let here = Coordinate(lat: point.lat, lon: point.lon)
                return raids.contains { day <= $0.1 && Geo.distanceKm(here, $0.0) <= knownLabKm }
            }
        }
        return rank(points)
    }

    /// Axial hex coordinates of a point (pointy-top hexagons of `cellKm` across).
    static func cell(_ lat: Double, _ lon: Double) -> (Int, Int) {
        let y = lat * 111.32, x = lon * 111.32 * cos(lat * .pi / 180)
        let size = cellKm / 3.0.squareRoot()
        let q = (3.0.squareRoot() / 3 * x - y / 3) / size, r = (2.0 / 3 * y) / size
        // Cube rounding.
        var rx = q.rounded(), rz = r.rounded()
        let ry = (-q - r).rounded()
        let dx = abs(rx - q), dy = abs(ry - (-q - r)), dz = abs(rz - r)
        if dx > dy && dx > dz { rx = -ry - rz } else if dy <= dz { rz = -rx - ry }
        return (Int(rx), Int(rz))
    }

    static func rank(_ points: [Point]) -> [Area] {
        struct Key: Hashable { var q: Int; var r: Int }
        var cells: [Key: [Int]] = [:]
        for (index, point) in points.enumerated() {
            let (q, r) = cell(point.lat, point.lon)
            cells[Key(q: q, r: r), default: []].append(index)
        }
        let neighbours = [(1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1)]
        var scored: [(key: Key, score: Double, members: [Int])] = []
        for (key, members) in cells {
            var score = members.reduce(0) { $0 + points[$1].weight }
            var counted = members
            for (dq, dr) in neighbours {
                guard let near = cells[Key(q: key.q + dq, r: key.r + dr)] else { continue }
                score += 0.5 * near.reduce(0) { $0 + points[$1].weight }
                counted += near
            }
            // Several kinds of telling evidence in one place say more than many of one kind.
            let kinds = max(1, Set(counted.compactMap { points[$0].signal }).count)
            scored.append((key, score * (1 + 0.25 * Double(kinds - 1)), counted))
        }
        scored.sort { ($0.score, $1.key.q, $1.key.r) > ($1.score, $0.key.q, $0.key.r) }
        var areas: [Area] = []
        let best = scored.first?.score ?? 1
        for candidate in scored {
            let total = candidate.members.reduce(0) { $0 + points[$1].weight }
            guard total > 0 else { continue }
            let lat = candidate.members.reduce(0) { $0 + points[$1].lat * points[$1].weight } / total
            let lon = candidate.members.reduce(0) { $0 + points[$1].lon * points[$1].weight } / total
            let centre = Coordinate(lat: lat, lon: lon)
            guard !areas.contains(where: { Geo.distanceKm(Coordinate(lat: $0.lat, lon: $0.lon), centre) < separationKm }) else { continue }
            var byKind: [String: Int] = [:]
            for member in candidate.members { byKind[points[member].kind, default: 0] += 1 }
            let evidence = candidate.members.sorted { (points[$0].weight, $1) > (points[$1].weight, $0) }.prefix(20).map { points[$0].evidence }
            areas.append(Area(lat: (lat * 1e5).rounded() / 1e5, lon: (lon * 1e5).rounded() / 1e5, radiusKm: 1.5,
                              score: candidate.score / best, evidence: Array(Set(evidence)).sorted { ($0.kind, $0.id) < ($1.kind, $1.id) },
                              reasons: byKind.keys.sorted().map { "\(byKind[$0]!) \($0.replacingOccurrences(of: "_", with: " "))" },
                              counts: byKind))
            if areas.count >= limit { break }
        }
        return areas
    }
}
