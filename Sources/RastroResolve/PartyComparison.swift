import RastroModel

/// A mention's attributes normalized once, for blocking and comparison.
struct PartyProfile: Hashable {
    var name: NormalizedName
    var nameScalars: [Unicode.Scalar]
    /// The tax id, compact upper case, and whether it passes the RFC check (structure, date, digit).
    var taxID: String?
    var taxIDValid: Bool
    var street: String?
    var number: String?
    var postalCode: String?
    var city: String?
    var country: String?
    var phone: String?
    var email: String?
    var representative: String?

    init(_ mention: PartyMention) {
        name = NormalizedName(mention.name)
        nameScalars = Array(name.core.unicodeScalars)
        if let raw = mention.taxID {
            let compact = String(raw.uppercased().filter { $0.isLetter || $0.isNumber || $0 == "&" })
            taxID = compact.isEmpty ? nil : compact
            if case .success = RFC.validate(compact) { taxIDValid = true } else { taxIDValid = false }
        } else {
            taxID = nil
            taxIDValid = false
        }
        var postal = mention.postalCode.map { String($0.filter(\.isNumber)) }
        if let address = mention.address {
            let parsed = NormalizedAddress(address)
            street = parsed.streetKey.isEmpty ? nil : parsed.streetKey
            number = parsed.number
            postal = postal ?? parsed.postalCode
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

    static func compare(_ a: PartyProfile, _ b: PartyProfile) -> FellegiSunter.Pattern {
        var pattern = FellegiSunter.Pattern(repeating: -1, count: fields.count)
        if !a.nameScalars.isEmpty, !b.nameScalars.isEmpty {
            if a.name.tokens == b.name.tokens || Set(a.name.tokens) == Set(b.name.tokens) {
                pattern[0] = 3
            } else {
                let similarity = Similarity.jaroWinkler(a.nameScalars, b.nameScalars)
                pattern[0] = similarity >= 0.94 ? 2 : similarity >= 0.85 ? 1 : 0
            }
        }
        if let x = a.taxID, let y = b.taxID {
            pattern[1] = x == y ? 2 : Similarity.editDistance(x, y, limit: 1) <= 1 ? 1 : 0
        }
        if let x = a.street, let y = b.street {
            pattern[2] = x == y ? (a.number != nil && a.number == b.number ? 2 : 1) : 0
        }
        if let x = a.postalCode, let y = b.postalCode { pattern[3] = x == y ? 1 : 0 }
        if let x = a.phone, let y = b.phone { pattern[4] = x == y ? 1 : 0 }
        if let x = a.email, let y = b.email { pattern[5] = x == y ? 1 : 0 }
        if let x = a.country, let y = b.country { pattern[6] = x == y ? 1 : 0 }
        if let x = a.name.legalForm, let y = b.name.legalForm { pattern[7] = x == y ? 1 : 0 }
        return pattern
    }

    /// Hard evidence against a merge: two different tax ids that both pass the RFC check.
    static func conflict(_ a: PartyProfile, _ b: PartyProfile) -> Bool {
        guard a.taxIDValid, b.taxIDValid, let x = a.taxID, let y = b.taxID else { return false }
        return x != y
    }
}
