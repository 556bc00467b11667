public import RastroModel

/// How well a findings file (contract v1) matches a simulated world's truth: one section per part
/// of the findings, each with the counts a reader needs to judge its figures. Written by
/// `rastro evaluate`; JSON keys are snake_case, and a figure that cannot be computed (no diverted
/// consignment, no active lab …) is `null` rather than absent, so readers see every key.
public struct Evaluation: Sendable, Hashable, Codable {
    public static let currentFormat = "rastro-evaluation-1"

    public var format: String
    public var world: World
    public var consignments: Consignments
    public var entities: Entities
    public var areas: Areas
    /// How the store's custody traces allocated each transfer, against the lot it really carried;
    /// `nil` (JSON `null`) when the figures come from a findings file (findings hold no traces) or
    /// the truth does not list the transfers' lots.
    public var custody: Custody?

    public init(format: String = Evaluation.currentFormat, world: World, consignments: Consignments, entities: Entities, areas: Areas,
                custody: Custody? = nil) {
        self.format = format
        self.world = world
        self.consignments = consignments
        self.entities = entities
        self.areas = areas
        self.custody = custody
    }

    enum CodingKeys: String, CodingKey {
        case format, world, consignments, entities, areas, custody
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(world, forKey: .world)
        try container.encode(consignments, forKey: .consignments)
        try container.encode(entities, forKey: .entities)
        try container.encode(areas, forKey: .areas)
        try container.encode(custody, forKey: .custody)
    }

    /// Custody traces against the truth's lot of each transfer: of the kilograms the traces
    /// allocate to some lot, the share allocated to the lot the transfer really carried, for all
    /// transfers and per kind of allocation (`exact`: the transfer names its lot; `matched`: by
    /// quantity; `fifo`: first-in-first-out). Kilograms no trace allocates (a transfer before its
    /// sender held anything, an excess) are not counted: `transfers − all.transfers` says how many
    /// transfers got no allocation at all.
    public struct Custody: Sendable, Hashable, Codable {
        /// Transfers whose lot the truth gives.
        public var transfers: Int
        /// Every transfer with at least one allocated kilogram.
        public var all: Part
        /// The same per kind of allocation, keyed `exact`, `matched`, `fifo` (a kind with no
        /// allocated transfer is left out); a transfer counts under the kind of its largest step.
        public var byAllocation: [String: Part]

        /// Transfers, the kilograms allocated of them, those on the right lot, and the share.
        public struct Part: Sendable, Hashable, Codable {
            public var transfers: Int
            public var allocatedKg: Double
            public var rightKg: Double
            /// `rightKg ÷ allocatedKg`; `nil` (JSON `null`) when nothing is allocated.
            public var share: Double?

            public init(transfers: Int, allocatedKg: Double, rightKg: Double) {
                self.transfers = transfers
                self.allocatedKg = allocatedKg
                self.rightKg = rightKg
                share = allocatedKg > 0 ? rightKg / allocatedKg : nil
            }

            enum CodingKeys: String, CodingKey {
                case transfers, allocatedKg = "allocated_kg", rightKg = "right_kg", share
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(transfers, forKey: .transfers)
                try container.encode(allocatedKg, forKey: .allocatedKg)
                try container.encode(rightKg, forKey: .rightKg)
                try container.encode(share, forKey: .share)
            }
        }

        public init(transfers: Int, all: Part, byAllocation: [String: Part]) {
            self.transfers = transfers
            self.all = all
            self.byAllocation = byAllocation
        }

        enum CodingKeys: String, CodingKey {
            case transfers, all, byAllocation = "by_allocation"
        }
    }

    /// Which simulated world the figures are about (copied from the truth).
    public struct World: Sendable, Hashable, Codable {
        public var seed: UInt64
        public var scale: String
        public var difficulty: String

        public init(seed: UInt64, scale: String, difficulty: String) {
            self.seed = seed
            self.scale = scale
            self.difficulty = difficulty
        }
    }

    /// Consignment risks against the diverted / not diverted truth.
    ///
    /// - `auc`: ROC AUC, the Mann–Whitney U with mid-ranks for tied risks, divided by
    ///   positives × negatives: the chance that a random diverted consignment outranks a random
    ///   clean one, ties counting one half. `nil` without positives or without negatives.
    /// - `precisionAtK`: with k = the number of diverted consignments, the share of diverted ones
    ///   among the k highest risks. A group of tied risks straddling position k contributes its
    ///   expected number of positives under random tie-breaking (fractional), so ties neither
    ///   flatter nor punish. `nil` when k = 0.
    /// - `recallAtHalf`: the share of diverted consignments whose risk is ≥ 0.5. `nil` when none
    ///   is diverted.
    ///
    /// A truth consignment the findings leave out counts with risk 0; findings for ids not in the
    /// truth are ignored; of several findings for one id the first counts. So
    /// `findings = scored + unknown + duplicates` and `total = scored + missing`.
    public struct Consignments: Sendable, Hashable, Codable {
        /// Consignments in the truth (every id of `consignment_ids`, and any diverted one it lacks).
        public var total: Int
        public var diverted: Int
        /// Truth consignments the findings give a risk for.
        public var scored: Int
        /// Truth consignments the findings leave out (scored as risk 0).
        public var missing: Int
        /// Findings entries read (all of them, duplicates and unknown ids included).
        public var findings: Int
        /// Distinct findings ids that are not in the truth (ignored).
        public var unknown: Int
        /// Findings entries whose id an earlier entry already had (ignored).
        public var duplicates: Int
        /// The k of precision@k: the number of diverted consignments.
        public var k: Int
        public var auc: Double?
        public var precisionAtK: Double?
        public var recallAtHalf: Double?

        public init(total: Int, diverted: Int, scored: Int, missing: Int, findings: Int, unknown: Int, duplicates: Int,
                    k: Int, auc: Double?, precisionAtK: Double?, recallAtHalf: Double?) {
            self.total = total
            self.diverted = diverted
            self.scored = scored
            self.missing = missing
            self.findings = findings
            self.unknown = unknown
            self.duplicates = duplicates
            self.k = k
            self.auc = auc
            self.precisionAtK = precisionAtK
            self.recallAtHalf = recallAtHalf
        }

        enum CodingKeys: String, CodingKey {
            case total, diverted, scored, missing, findings, unknown, duplicates, k, auc
            case precisionAtK = "precision_at_k", recallAtHalf = "recall_at_0_5"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(total, forKey: .total)
            try container.encode(diverted, forKey: .diverted)
            try container.encode(scored, forKey: .scored)
            try container.encode(missing, forKey: .missing)
            try container.encode(findings, forKey: .findings)
            try container.encode(unknown, forKey: .unknown)
            try container.encode(duplicates, forKey: .duplicates)
            try container.encode(k, forKey: .k)
            try container.encode(auc, forKey: .auc)
            try container.encode(precisionAtK, forKey: .precisionAtK)
            try container.encode(recallAtHalf, forKey: .recallAtHalf)
        }
    }

    /// Entity resolution, scored pairwise over mentions. A mention is (kind, id, role); two
    /// mentions form a predicted pair when one findings entity holds both, a true pair when the
    /// truth gives both the same entity id.
    ///
    /// Conventions, chosen so that an empty side is not a division by zero and cannot hide a
    /// failure on the other side:
    /// - `precision` = true-positive pairs / predicted pairs, and 1.0 when there are no predicted
    ///   pairs (nothing was wrongly merged);
    /// - `recall` = true-positive pairs / true pairs, and 1.0 when there are no true pairs
    ///   (nothing was there to find);
    /// - `f1` = their harmonic mean, and 0 when both are 0.
    ///
    /// Pairs are counted from contingency counts (Σ n·(n−1)/2 over the cells of truth entity ×
    /// predicted entity), never enumerated. Truth mentions the findings leave out are singletons
    /// (they miss every true pair they belong to); findings mentions not in the truth are ignored;
    /// a mention in several findings entities counts in the first only.
    public struct Entities: Sendable, Hashable, Codable {
        /// Distinct party mentions in the truth.
        public var mentions: Int
        /// Truth mentions found in some findings entity.
        public var scoredMentions: Int
        /// Truth mentions no findings entity holds (scored as singletons).
        public var missingMentions: Int
        /// Distinct findings mentions that are not in the truth (ignored).
        public var unknownMentions: Int
        /// Distinct truth mentions listed in more than one findings entity (the first counts).
        public var repeatedMentions: Int
        /// Entities the findings list.
        public var predictedEntities: Int
        /// Distinct entity ids among the truth's mentions.
        public var trueEntities: Int
        public var predictedPairs: Int
        public var truePairs: Int
        public var truePositivePairs: Int
        public var precision: Double
        public var recall: Double
        public var f1: Double

        public init(mentions: Int, scoredMentions: Int, missingMentions: Int, unknownMentions: Int, repeatedMentions: Int,
                    predictedEntities: Int, trueEntities: Int, predictedPairs: Int, truePairs: Int, truePositivePairs: Int,
                    precision: Double, recall: Double, f1: Double) {
            self.mentions = mentions
            self.scoredMentions = scoredMentions
            self.missingMentions = missingMentions
            self.unknownMentions = unknownMentions
            self.repeatedMentions = repeatedMentions
            self.predictedEntities = predictedEntities
            self.trueEntities = trueEntities
            self.predictedPairs = predictedPairs
            self.truePairs = truePairs
            self.truePositivePairs = truePositivePairs
            self.precision = precision
            self.recall = recall
            self.f1 = f1
        }

        enum CodingKeys: String, CodingKey {
            case mentions, scoredMentions = "scored_mentions", missingMentions = "missing_mentions"
            case unknownMentions = "unknown_mentions", repeatedMentions = "repeated_mentions"
            case predictedEntities = "predicted_entities", trueEntities = "true_entities"
            case predictedPairs = "predicted_pairs", truePairs = "true_pairs", truePositivePairs = "true_positive_pairs"
            case precision, recall, f1
        }
    }

    /// Ranked areas against the active labs (L of them), taken in the order listed (best first).
    /// An area finds a lab when the lab lies within `radiusKm` (2 km, great-circle distance,
    /// boundary included) of the area's centre; the area's own `radius_km` is not used.
    ///
    /// - `hitAt1` … `hitAt2L`: the share of labs within 2 km of at least one of the top k areas,
    ///   for k = 1, 5, 10, L and 2L.
    /// - `precisionAtL`: the share of the top L areas that each find a different lab — the size
    ///   of a maximum matching between those areas and the labs, divided by L. A list shorter
    ///   than L counts its missing places as misses; two areas on one lab count once.
    ///
    /// All `nil` when there is no active lab (L = 0).
    public struct Areas: Sendable, Hashable, Codable {
        /// L: the active labs of the truth (raided labs are not scored).
        public var labs: Int
        /// Areas the findings list.
        public var areas: Int
        public var radiusKm: Double
        public var hitAt1: Double?
        public var hitAt5: Double?
        public var hitAt10: Double?
        public var hitAtL: Double?
        public var hitAt2L: Double?
        /// Labs matched one-to-one by the top L areas (the numerator of `precisionAtL`).
        public var matchedAtL: Int
        public var precisionAtL: Double?

        public init(labs: Int, areas: Int, radiusKm: Double, hitAt1: Double?, hitAt5: Double?, hitAt10: Double?,
                    hitAtL: Double?, hitAt2L: Double?, matchedAtL: Int, precisionAtL: Double?) {
            self.labs = labs
            self.areas = areas
            self.radiusKm = radiusKm
            self.hitAt1 = hitAt1
            self.hitAt5 = hitAt5
            self.hitAt10 = hitAt10
            self.hitAtL = hitAtL
            self.hitAt2L = hitAt2L
            self.matchedAtL = matchedAtL
            self.precisionAtL = precisionAtL
        }

        enum CodingKeys: String, CodingKey {
            case labs, areas, radiusKm = "radius_km"
            case hitAt1 = "hit_at_1", hitAt5 = "hit_at_5", hitAt10 = "hit_at_10", hitAtL = "hit_at_l", hitAt2L = "hit_at_2l"
            case matchedAtL = "matched_at_l", precisionAtL = "precision_at_l"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(labs, forKey: .labs)
            try container.encode(areas, forKey: .areas)
            try container.encode(radiusKm, forKey: .radiusKm)
            try container.encode(hitAt1, forKey: .hitAt1)
            try container.encode(hitAt5, forKey: .hitAt5)
            try container.encode(hitAt10, forKey: .hitAt10)
            try container.encode(hitAtL, forKey: .hitAtL)
            try container.encode(hitAt2L, forKey: .hitAt2L)
            try container.encode(matchedAtL, forKey: .matchedAtL)
            try container.encode(precisionAtL, forKey: .precisionAtL)
        }
    }
}

/// Scores findings against a simulated world's truth (see `Evaluation` for every definition).
/// Pure and total: any findings value gives an evaluation; reading and rejecting files is
/// `Evaluator.readFindings(at:)`'s job.
public enum Evaluator {
    /// How close (km) an area's centre must be to a lab to find it.
    public static let labRadiusKm = 2.0
    /// The mean Earth radius (IUGG) used for great-circle distances.
    public static let earthRadiusKm = 6371.0088

    /// `allocations`: the store's custody steps, when the findings are its last analysis's; the
    /// custody section is computed only with them and a truth that lists the transfers' lots.
    public static func evaluate(findings: Findings, truth: Truth, allocations: [Allocation]? = nil) -> Evaluation {
        Evaluation(
            world: Evaluation.World(seed: truth.seed, scale: truth.scale, difficulty: truth.difficulty),
            consignments: scoreConsignments(findings.consignments, truth: truth),
            entities: scoreEntities(findings.entities, truth: truth),
            areas: scoreAreas(findings.areas, labs: truth.labs),
            custody: allocations.flatMap { scoreCustody($0, truth: truth) })
    }

    /// One custody step: `kg` of transfer `transferID` allocated to lot `consignmentID`, and how.
    public struct Allocation: Sendable, Hashable {
        public var consignmentID: String
        public var transferID: String
        public var kg: Double
        public var allocation: String

        public init(consignmentID: String, transferID: String, kg: Double, allocation: String) {
            self.consignmentID = consignmentID
            self.transferID = transferID
            self.kg = kg
            self.allocation = allocation
        }
    }

    /// See `Evaluation.Custody`. Steps of transfers the truth does not list are ignored; a
    /// transfer counts under the kind of allocation of its largest step.
    public static func scoreCustody(_ allocations: [Allocation], truth: Truth) -> Evaluation.Custody? {
        guard let lots = truth.transferLots else { return nil }
        var perTransfer: [String: (kg: Double, right: Double, kind: String, largest: Double)] = [:]
        for step in allocations where step.kg > 0 && step.kg.isFinite {
            guard let lot = lots[step.transferID] else { continue }
            var entry = perTransfer[step.transferID] ?? (0, 0, step.allocation, 0)
            entry.kg += step.kg
            if step.consignmentID == lot { entry.right += step.kg }
            if step.kg > entry.largest { entry.largest = step.kg; entry.kind = step.allocation }
            perTransfer[step.transferID] = entry
        }
        typealias Sums = (transfers: Int, kg: Double, right: Double)
        var all: Sums = (0, 0, 0)
        var parts: [String: Sums] = [:]
        // Summed in id order, so that the figures do not depend on hashing.
        for (_, entry) in perTransfer.sorted(by: { $0.key < $1.key }) {
            for kind in [nil, entry.kind] as [String?] {
                var sums = kind.map { parts[$0] ?? (0, 0, 0) } ?? all
                sums.transfers += 1
                sums.kg += entry.kg
                sums.right += entry.right
                if let kind { parts[kind] = sums } else { all = sums }
            }
        }
        func part(_ sums: Sums) -> Evaluation.Custody.Part { .init(transfers: sums.transfers, allocatedKg: sums.kg, rightKg: sums.right) }
        return Evaluation.Custody(transfers: lots.count, all: part(all), byAllocation: parts.mapValues(part))
    }
}
