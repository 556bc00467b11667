import Foundation
public import RastroModel
public import RastroStore

/// Who is who, as analysis needs it: each mention's entity, each entity's name, and the phones,
/// addresses and representatives different entities share.
public struct EntityIndex: Sendable {
    public var entityOf: [Mention: String]
    public var names: [String: String]
    public var associations: [EntityAssociationRow]

    public init(entityOf: [Mention: String], names: [String: String], associations: [EntityAssociationRow]) {
        self.entityOf = entityOf
        self.names = names
        self.associations = associations
    }

    /// The entity of a mention, or a key of its own when it was not resolved.
    public func entity(_ mention: Mention) -> String {
        entityOf[mention] ?? "?\(mention.kind):\(mention.id):\(mention.role.rawValue)"
    }
}

/// Everything one analysis found.
public struct AnalysisResult: Sendable, Codable {
    public var consignments: [Assessment]
    public var entities: [Assessment]
    public var areas: [Area]
    public var balance: [BalanceRow]
    public var routes: [RouteEvidence]
    public var traces: [CustodyTrace]
    public var config: RiskConfig
    public var seconds: [String: Double]

    /// What crossed the alert threshold, newest evidence first.
    public var alerts: [Assessment] {
        (consignments + entities).filter { $0.risk >= config.alertThreshold }
            .sorted { ($0.date ?? "", $0.risk, $1.id) > ($1.date ?? "", $1.risk, $0.id) }
    }

    /// The contract-v1 findings (`rastro findings --format json`).
    public func findings(entityIndex: EntityIndex, mentions: [Mention]) -> Findings {
        var members: [String: [Mention]] = [:]
        for mention in mentions { members[entityIndex.entity(mention), default: []].append(mention) }
        let risk = Dictionary(entities.map { ($0.id, $0.risk) }, uniquingKeysWith: max)
        return Findings(
            consignments: consignments.map { Findings.ConsignmentFinding(consignmentID: $0.id, risk: $0.risk, flags: $0.flags) },
            entities: members.keys.sorted().map { id in
                Findings.EntityFinding(entityID: id, name: entityIndex.names[id], risk: risk[id] ?? 0, mentions: members[id]!.sorted())
            },
            areas: areas.map { Findings.AreaFinding(lat: $0.lat, lon: $0.lon, radiusKm: $0.radiusKm, score: $0.score, evidence: $0.evidence) })
    }
}

/// Runs every analysis over loaded data: custody traces, mass balance, route evidence, the rules
/// and their scores, and areas.
public struct Analyzer: Sendable {
    public var config: RiskConfig
    public var routeOptions = RouteOptions()
    public var balanceOptions = BalanceOptions()

    public init(config: RiskConfig = .standard) {
        self.config = config
    }

    public func analyze(_ data: AnalysisData, entities: EntityIndex, progress: (String) -> Void = { _ in }) -> AnalysisResult {
        var clock = ContinuousClock.now
        var seconds: [String: Double] = [:]
        func lap(_ name: String) {
            let now = ContinuousClock.now
            let elapsed = now - clock
            seconds[name] = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            clock = now
        }
        let entityOf: (Mention) -> String? = { entities.entityOf[$0] }
        progress("custody")
        let graph = CustodyGraph.build(consignments: data.consignments, transfers: data.transfers, usageReports: data.usageReports,
                                       entityOf: entityOf)
        let traces = graph.traceAll()
        lap("custody")
        progress("mass balance")
        let balance = MassBalance.compute(consignments: data.consignments, transfers: data.transfers, usageReports: data.usageReports,
                                          entityOf: entityOf, options: balanceOptions)
        lap("balance")
        progress("routes")
        var facilities: [Coordinate] = data.organizations.compactMap { Coordinate(lat: $0.lat, lon: $0.lon) }
        facilities += data.legs.compactMap(\.origin) + data.legs.compactMap(\.destination)
        let routes = RouteAnalysis.analyze(legs: data.legs, tracks: data.tracks, facilities: Self.distinct(facilities), options: routeOptions)
        lap("routes")
        progress("risk")
        let rules = Rules(config: config, data: data, entities: entities, traces: traces, balance: balance, routes: routes)
        let consignments = rules.consignments()
        let scoredEntities = rules.entities(consignments)
        lap("risk")
        progress("areas")
        let areas = Areas.rank(data: data, routes: routes, consignments: consignments, entities: scoredEntities, rules: rules)
        lap("areas")
        return AnalysisResult(consignments: consignments, entities: scoredEntities, areas: areas, balance: balance, routes: routes,
                              traces: traces, config: config, seconds: seconds)
    }

    /// Facilities closer than 100 m to one already kept are dropped.
    static func distinct(_ points: [Coordinate]) -> [Coordinate] {
        var seen = Set<Int64>()
        var out: [Coordinate] = []
        for point in points {
            let key = Int64((point.lat * 1_000).rounded()) << 32 | Int64(UInt32(bitPattern: Int32((point.lon * 1_000).rounded())))
            if seen.insert(key).inserted { out.append(point) }
        }
        return out
    }
}
