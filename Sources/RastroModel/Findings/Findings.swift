/// Findings, contract v1 (`rastro findings --format json`): what an outside evaluator reads back
/// after `rastro analyze` — a risk for every consignment, the resolved parties with their
/// mentions, and ranked areas. Field names are the contract's, exactly.
public struct Findings: Sendable, Hashable, Codable {
    public var consignments: [ConsignmentFinding]
    public var entities: [EntityFinding]
    public var areas: [AreaFinding]

    public init(consignments: [ConsignmentFinding] = [], entities: [EntityFinding] = [], areas: [AreaFinding] = []) {
        self.consignments = consignments
        self.entities = entities
        self.areas = areas
    }

    /// Missing top-level arrays read as empty: a findings file may hold only some sections.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        consignments = try container.decodeIfPresent([ConsignmentFinding].self, forKey: .consignments) ?? []
        entities = try container.decodeIfPresent([EntityFinding].self, forKey: .entities) ?? []
        areas = try container.decodeIfPresent([AreaFinding].self, forKey: .areas) ?? []
    }

    public struct ConsignmentFinding: Sendable, Hashable, Codable {
        public var consignmentID: String
        /// In [0, 1]; higher = more likely diverted.
        public var risk: Double
        public var flags: [String]

        public init(consignmentID: String, risk: Double, flags: [String] = []) {
            self.consignmentID = consignmentID
            self.risk = risk
            self.flags = flags
        }

        enum CodingKeys: String, CodingKey {
            case consignmentID = "consignment_id", risk, flags
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            consignmentID = try container.decode(String.self, forKey: .consignmentID)
            risk = try container.decode(Double.self, forKey: .risk)
            flags = try container.decodeIfPresent([String].self, forKey: .flags) ?? []
        }
    }

    public struct EntityFinding: Sendable, Hashable, Codable {
        public var entityID: String
        public var name: String?
        public var risk: Double?
        public var mentions: [Mention]

        public init(entityID: String, name: String? = nil, risk: Double? = nil, mentions: [Mention]) {
            self.entityID = entityID
            self.name = name
            self.risk = risk
            self.mentions = mentions
        }

        enum CodingKeys: String, CodingKey {
            case entityID = "entity_id", name, risk, mentions
        }
    }

    public struct AreaFinding: Sendable, Hashable, Codable {
        public var lat: Double
        public var lon: Double
        public var radiusKm: Double?
        public var score: Double?
        public var evidence: [EvidenceRef]

        public init(lat: Double, lon: Double, radiusKm: Double? = nil, score: Double? = nil, evidence: [EvidenceRef] = []) {
            self.lat = lat
            self.lon = lon
            self.radiusKm = radiusKm
            self.score = score
            self.evidence = evidence
        }

        enum CodingKeys: String, CodingKey {
            case lat, lon, radiusKm = "radius_km", score, evidence
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            lat = try container.decode(Double.self, forKey: .lat)
            lon = try container.decode(Double.self, forKey: .lon)
            radiusKm = try container.decodeIfPresent(Double.self, forKey: .radiusKm)
            score = try container.decodeIfPresent(Double.self, forKey: .score)
            evidence = try container.decodeIfPresent([EvidenceRef].self, forKey: .evidence) ?? []
        }
    }

    public struct EvidenceRef: Sendable, Hashable, Codable {
        public var kind: String
        public var id: String

        public init(kind: String, id: String) {
            self.kind = kind
            self.id = id
        }
    }
}

/// One party mention, as the contract's findings section defines them: the record (kind and id;
/// an incident's n-th named party is `INCIDENT_ID#n`) and the role the party plays in it.
public struct Mention: Sendable, Hashable, Codable, Comparable {
    public var kind: String
    public var id: String
    public var role: Role

    public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case `self`, importer, exporter, from, to, reporter, named

        public static func < (lhs: Role, rhs: Role) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    public init(kind: String, id: String, role: Role) {
        self.kind = kind
        self.id = id
        self.role = role
    }

    public init(kind: Kind, id: String, role: Role) {
        self.init(kind: kind.rawValue, id: id, role: role)
    }

    public static func < (lhs: Mention, rhs: Mention) -> Bool {
        (lhs.kind, lhs.id, lhs.role) < (rhs.kind, rhs.id, rhs.role)
    }
}
