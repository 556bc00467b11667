public import RastroModel

/// The ground truth of a simulated world (`truth.json`): which consignments were diverted and by
/// which scheme, the real entity behind every party mention, and where the labs are. Written by
/// `rastro simulate`, read by `rastro evaluate`. Keys are snake_case.
public struct Truth: Sendable, Hashable, Codable {
    public static let currentFormat = "rastro-truth-1"

    public var format: String
    public var seed: UInt64
    public var scale: String
    public var difficulty: String
    /// The first and last day of the simulated period (`YYYY-MM-DD`).
    public var periodStart: String
    public var periodEnd: String
    /// Every consignment id in the world's `consignments` file, diverted or not.
    public var consignmentIDs: [String]
    public var divertedConsignments: [DivertedConsignment]
    public var entities: [Entity]
    /// Every party mention in the data (the contract's definition), each with its real entity.
    public var mentions: [EntityMention]
    /// The labs active at the end of the period: the places areas are scored against.
    public var labs: [Lab]
    /// Labs dismantled during the period (each revealed by an incident); not counted in `labs`.
    public var raidedLabs: [Lab]
    /// Each scheme at work, with the parties and records it involves.
    public var schemes: [Scheme]
    /// Transfer id → the consignment whose lot it really carried (written whether or not the
    /// transfer names it; `rastro evaluate` scores the custody traces with it). Absent in truth
    /// files written before it existed.
    public var transferLots: [String: String]?

    public init(format: String = Truth.currentFormat, seed: UInt64, scale: String, difficulty: String, periodStart: String,
                periodEnd: String, consignmentIDs: [String], divertedConsignments: [DivertedConsignment], entities: [Entity],
                mentions: [EntityMention], labs: [Lab], raidedLabs: [Lab], schemes: [Scheme], transferLots: [String: String]? = nil) {
        self.format = format
        self.seed = seed
        self.scale = scale
        self.difficulty = difficulty
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.consignmentIDs = consignmentIDs
        self.divertedConsignments = divertedConsignments
        self.entities = entities
        self.mentions = mentions
        self.labs = labs
        self.raidedLabs = raidedLabs
        self.schemes = schemes
        self.transferLots = transferLots
    }

    enum CodingKeys: String, CodingKey {
        case format, seed, scale, difficulty
        case periodStart = "period_start", periodEnd = "period_end"
        case consignmentIDs = "consignment_ids", divertedConsignments = "diverted_consignments"
        case entities, mentions, labs, raidedLabs = "raided_labs", schemes, transferLots = "transfer_lots"
    }

    /// The diversion schemes the simulator plays.
    public enum SchemeKind: String, Sendable, Hashable, Codable, CaseIterable {
        case frontImporter = "front_importer"
        case distributorLeak = "distributor_leak"
        case routeDeviation = "route_deviation"
        case structuring
        case mislabelling
        case identityGames = "identity_games"
        case transshipment
    }

    public struct DivertedConsignment: Sendable, Hashable, Codable {
        public var consignmentID: String
        /// The main scheme; `schemes` lists every scheme that touched it (main first).
        public var scheme: SchemeKind
        public var schemes: [SchemeKind]
        /// Kilograms of this consignment that left the legal chain.
        public var divertedKg: Double
        /// The lab that received it, when one did.
        public var labID: String?

        public init(consignmentID: String, scheme: SchemeKind, schemes: [SchemeKind], divertedKg: Double, labID: String?) {
            self.consignmentID = consignmentID
            self.scheme = scheme
            self.schemes = schemes
            self.divertedKg = divertedKg
            self.labID = labID
        }

        enum CodingKeys: String, CodingKey {
            case consignmentID = "consignment_id", scheme, schemes, divertedKg = "diverted_kg", labID = "lab_id"
        }
    }

    public struct Entity: Sendable, Hashable, Codable {
        public var entityID: String
        /// The canonical (registered) name.
        public var name: String
        public var country: String
        /// importer, distributor, broker, carrier, end_user, exporter, front, agency, person.
        public var role: String
        public var taxID: String?
        /// True for parties that exist to divert (fronts, brokers of the schemes).
        public var illicit: Bool

        public init(entityID: String, name: String, country: String, role: String, taxID: String?, illicit: Bool) {
            self.entityID = entityID
            self.name = name
            self.country = country
            self.role = role
            self.taxID = taxID
            self.illicit = illicit
        }

        enum CodingKeys: String, CodingKey {
            case entityID = "entity_id", name, country, role, taxID = "tax_id", illicit
        }
    }

    public struct EntityMention: Sendable, Hashable, Codable {
        public var kind: String
        public var id: String
        public var role: Mention.Role
        public var entityID: String

        public init(_ mention: Mention, entityID: String) {
            kind = mention.kind
            id = mention.id
            role = mention.role
            self.entityID = entityID
        }

        public var mention: Mention { Mention(kind: kind, id: id, role: role) }

        enum CodingKeys: String, CodingKey {
            case kind, id, role, entityID = "entity_id"
        }
    }

    public struct Lab: Sendable, Hashable, Codable {
        public var labID: String
        public var lat: Double
        public var lon: Double
        public var city: String
        public var state: String
        public var activeFrom: String
        public var activeTo: String?
        /// For a raided lab, the incident that revealed it.
        public var incidentID: String?

        public init(labID: String, lat: Double, lon: Double, city: String, state: String, activeFrom: String,
                    activeTo: String? = nil, incidentID: String? = nil) {
            self.labID = labID
            self.lat = lat
            self.lon = lon
            self.city = city
            self.state = state
            self.activeFrom = activeFrom
            self.activeTo = activeTo
            self.incidentID = incidentID
        }

        enum CodingKeys: String, CodingKey {
            case labID = "lab_id", lat, lon, city, state, activeFrom = "active_from", activeTo = "active_to", incidentID = "incident_id"
        }
    }

    public struct Scheme: Sendable, Hashable, Codable {
        public var schemeID: String
        public var kind: SchemeKind
        public var entityIDs: [String]
        public var consignmentIDs: [String]
        /// Other records the scheme shows in (legs, transfers, usage reports …) as `kind:id`.
        public var records: [String]
        public var note: String

        public init(schemeID: String, kind: SchemeKind, entityIDs: [String], consignmentIDs: [String], records: [String], note: String) {
            self.schemeID = schemeID
            self.kind = kind
            self.entityIDs = entityIDs
            self.consignmentIDs = consignmentIDs
            self.records = records
            self.note = note
        }

        enum CodingKeys: String, CodingKey {
            case schemeID = "scheme_id", kind, entityIDs = "entity_ids", consignmentIDs = "consignment_ids", records, note
        }
    }
}
