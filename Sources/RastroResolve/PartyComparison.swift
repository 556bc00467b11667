import RastroModel

/// A mention's attributes normalized once, for blocking and comparison. A class, so that reading
/// one from the profiles' array (some 30 million times in a large run) retains one object rather
/// than each of its strings.
final class PartyProfile: Sendable {
    let name: NormalizedName
    let nameScalars: [Unicode.Scalar]
    /// The name's words, each once, sorted: two names with the same words in any order are equal here.
    let wordSet: [String]
    /// The tax id, compact upper case, and whether it passes the RFC check (structure, date, digit).
    let taxID: String?
    /// The tax id's scalar values, for the one-slip test.
    let taxScalars: [UInt32]
    let taxIDValid: Bool
    let street: String?
    let number: String?
    let postalCode: String?
    let city: String?
    let country: String?
    let phone: String?
    let email: String?
    let representative: String?

    init(_ mention: PartyMention) {
        let name = NormalizedName(mention.name)
        self.name = name
        nameScalars = Array(name.core.unicodeScalars)
        wordSet = Array(Set(name.tokens)).sorted()
        if let raw = mention.taxID {
            let compact = String(raw.uppercased().filter { $0.isLetter || $0.isNumber || $0 == "&" })
            taxID = compact.isEmpty ? nil : compact
            if case .success = RFC.validate(compact) { taxIDValid = true } else { taxIDValid = false }
        } else {
            taxID = nil
            taxIDValid = false
        }
        taxScalars = taxID.map { $0.unicodeScalars.map(\.value) } ?? []
        var postal = mention.postalCode.map { String($0.filter(\.isNumber)) }
        if let address = mention.address {
            let parsed = NormalizedAddress(address)
            street = parsed.streetKey.isEmpty ? nil : parsed.streetKey
            number = parsed.number
            postal = postal ?? parsed.postalCode
        } else {
            street = nil
            number = nil
        }
        postalCode = postal?.count == 5 ? postal : nil
        city = mention.city.map(Fold.text)
        country = mention.country?.uppercased()
        phone = mention.phone.flatMap { Phone.e164($0, defaultCountry: mention.country == "US" ? "US" : "MX") }
        email = mention.email.map { String($0.lowercased().filter { !$0.isWhitespace }) }
        representative = mention.representative.map { Fold.words($0).sorted().joined(separator: " ") }
    }
}

/// The fields a party comparison looks at and their graded levels (0 = most different).
enum PartyComparison {
    static let fields: [FellegiSunter.Field] = [
        .init(name: "name", levels: ["different", "similar (JW ≥ 0.85)", "close (JW ≥ 0.94)", "same core words"]),
        .init(name: "tax_id", levels: ["different", "one slip apart", "same"]),
        .init(name: "address", levels: ["different", "same street", "same street and number"]),
        .init(name: "postal_code", levels: ["different", "same"]),
        .init(name: "phone", levels: ["different", "same"]),
        .init(name: "email", levels: ["different", "same"]),
        .init(name: "country", levels: ["different", "same"]),
        .init(name: "legal_form", levels: ["different", "same"]),
    ]

    /// The comparison of two profiles as a pattern: one level per field, -1 where either lacks it.
    static func compare(_ a: PartyProfile, _ b: PartyProfile) -> FellegiSunter.Pattern {
        pattern(code: code(a, b))
    }

    /// The same comparison packed in an integer: each field's level + 1 as a base-5 digit, the
    /// first field most significant (the code `Resolution.encodePairs` stores). Comparing millions
    /// of candidate pairs this way allocates nothing.
    static func code(_ a: PartyProfile, _ b: PartyProfile) -> UInt32 {
        var code: UInt32 = 0
        func put(_ level: Int) { code = code &* 5 &+ UInt32(level + 1) }
        if !a.nameScalars.isEmpty, !b.nameScalars.isEmpty {
            if a.wordSet == b.wordSet {
                put(3)
            } else {
                let similarity = Similarity.jaroWinkler(a.nameScalars, b.nameScalars)
                put(similarity >= 0.94 ? 2 : similarity >= 0.85 ? 1 : 0)
            }
        } else {
            put(-1)
        }
        if let x = a.taxID, let y = b.taxID {
            put(x == y ? 2 : a.taxScalars.withUnsafeBufferPointer { x in
                b.taxScalars.withUnsafeBufferPointer { y in Similarity.withinOneEdit(x, y) }
            } ? 1 : 0)
        } else {
            put(-1)
        }
        if let x = a.street, let y = b.street {
            put(x == y ? (a.number != nil && a.number == b.number ? 2 : 1) : 0)
        } else {
            put(-1)
        }
        func same(_ x: String?, _ y: String?) -> Int {
            guard let x, let y else { return -1 }
            return x == y ? 1 : 0
        }
        put(same(a.postalCode, b.postalCode))
        put(same(a.phone, b.phone))
        put(same(a.email, b.email))
        put(same(a.country, b.country))
        put(same(a.name.legalForm, b.name.legalForm))
        return code
    }

    /// The pattern a code stands for (see `code`).
    static func pattern(code: UInt32) -> FellegiSunter.Pattern {
        Resolution.pattern(code: code, fields: fields.count)
    }

    /// Hard evidence against a merge: two different tax ids that both pass the RFC check.
    static func conflict(_ a: PartyProfile, _ b: PartyProfile) -> Bool {
        guard a.taxIDValid, b.taxIDValid, let x = a.taxID, let y = b.taxID else { return false }
        return x != y
    }
}
