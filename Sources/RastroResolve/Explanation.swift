public import RastroModel

/// Why two mentions are (or are not) one party: each field's values as compared, the level they
/// reached and its weight, the prior, and the total.
public struct PairExplanation: Sendable, Codable {
    public struct FieldEvidence: Sendable, Codable {
        public var field: String
        public var left: String?
        public var right: String?
        /// nil when either side is missing (the field adds nothing).
        public var level: String?
        public var weight: Double
    }

    public var left: Mention
    public var right: Mention
    public var priorWeight: Double
    public var fields: [FieldEvidence]
    public var totalWeight: Double
    public var probability: Double
    /// Two different tax ids that both pass the RFC check: never merged, whatever the weight.
    public var conflict: Bool
}

/// A shared phone, address or representative between two different entities: kept as a link
/// ("associated with"), not a merge.
public struct Association: Sendable, Codable, Hashable {
    public var kind: String
    public var value: String
    /// Labels of the entities (the index of each entity's first mention in the resolved input).
    public var entities: [Int]
}

extension Resolver {
    public func explain(_ a: PartyMention, _ b: PartyMention, model: FellegiSunter) -> PairExplanation {
        let x = PartyProfile(a), y = PartyProfile(b)
        let pattern = PartyComparison.compare(x, y)
        let shown: [(String?, String?)] = [
            (x.name.core, y.name.core), (x.taxID, y.taxID),
            (x.street.map { $0 + (x.number.map { " " + $0 } ?? "") }, y.street.map { $0 + (y.number.map { " " + $0 } ?? "") }),
            (x.postalCode, y.postalCode), (x.phone, y.phone), (x.email, y.email), (x.country, y.country),
            (x.name.legalForm, y.name.legalForm),
        ]
        var fields: [PairExplanation.FieldEvidence] = []
        for (index, field) in model.fields.enumerated() {
            let level = pattern[index]
            fields.append(.init(field: field.name, left: shown[index].0, right: shown[index].1,
                                level: level >= 0 ? field.levels[Int(level)] : nil,
                                weight: level >= 0 ? model.weight(field: index, level: Int(level)) : 0))
        }
        return PairExplanation(left: a.mention, right: b.mention, priorWeight: model.priorWeight, fields: fields,
                               totalWeight: model.matchWeight(pattern), probability: model.probability(pattern),
                               conflict: PartyComparison.conflict(x, y))
    }

    /// Phones, street addresses (street, number and postal code) and representatives that more
    /// than one entity uses; `entities` gives each profile's entity label.
    static func associations(_ profiles: [PartyProfile], entities: [Int]) -> [Association] {
        var seen: [String: Set<Int>] = [:]
        for (index, profile) in profiles.enumerated() {
            for (kind, value) in associationValues(profile) { seen[kind + "\u{0}" + value, default: []].insert(entities[index]) }
        }
        return seen.keys.sorted().compactMap { key in
            guard let entities = seen[key], entities.count > 1 else { return nil }
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            return Association(kind: parts[0], value: parts[1], entities: entities.sorted())
        }
    }

    /// What a profile could share with another entity, normalized: (kind, value) pairs.
    static func associationValues(_ profile: PartyProfile) -> [(String, String)] {
        var out: [(String, String)] = []
        if let phone = profile.phone { out.append(("phone", phone)) }
        if let street = profile.street, let number = profile.number, let postal = profile.postalCode {
            out.append(("address", "\(street) \(number), \(postal)"))
        }
        if let representative = profile.representative, representative.split(separator: " ").count >= 2 {
            out.append(("representative", representative))
        }
        return out
    }

    /// The association values (kind, value) a mention carries, normalized as stored.
    public static func associationValues(of mention: PartyMention) -> [(kind: String, value: String)] {
        associationValues(PartyProfile(mention)).map { ($0.0, $0.1) }
    }
}
