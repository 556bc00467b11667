import Dispatch
import Foundation
import RastroModel

/// A mention's attributes normalized once, for blocking and comparison (`PartyFeatures` numbers
/// what comparisons read). A class: reading one from the profiles' array retains one object
/// rather than each of its strings.
final class PartyProfile: Sendable {
    let name: NormalizedName
    /// The tax id, compact upper case, and whether it passes the RFC check (structure, date, digit).
    let taxID: String?
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
        .init(name: "name", levels: ["different", "similar (JW ≥ 0.85, a word more or less)", "close (JW ≥ 0.94, word for word)",
                                     "same core words"]),
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
        pattern(code: PartyFeatures([a, b]).code(0, 1))
    }

    /// The pattern a comparison code stands for (`PartyFeatures.code`).
    static func pattern(code: UInt32) -> FellegiSunter.Pattern {
        Resolution.pattern(code: code, fields: fields.count)
    }

    /// Hard evidence against a merge: two different tax ids that both pass the RFC check.
    static func conflict(_ a: PartyProfile, _ b: PartyProfile) -> Bool {
        guard a.taxIDValid, b.taxIDValid, let x = a.taxID, let y = b.taxID else { return false }
        return x != y
    }
}

/// What a comparison reads of each profile, numbered once: equal values get equal numbers, so
/// comparing two profiles is integer tests, plus Jaro–Winkler on two names and the one-slip test on
/// two tax ids, read from flat scalar buffers. Millions of comparisons on both cores then touch
/// no reference count and allocate nothing.
struct PartyFeatures: Sendable {
    /// Per profile, in this order: the name's word set, tax id, street, number, postal code,
    /// phone, email, country, legal form; -1 where the profile has none.
    private static let width = 9
    private let values: [Int32]
    /// Profile i's name scalars are `nameScalars[nameStarts[i]..<nameStarts[i + 1]]`; the same for tax ids.
    private let nameStarts: [Int]
    private let nameScalars: [UInt32]
    private let taxStarts: [Int]
    private let taxScalars: [UInt32]

    init(_ profiles: [PartyProfile]) {
        var numbers = [[String: Int32]](repeating: [:], count: Self.width)
        var values = [Int32](repeating: -1, count: profiles.count * Self.width)
        var nameStarts = [0], taxStarts = [0]
        var nameScalars: [UInt32] = [], taxScalars: [UInt32] = []
        for (index, profile) in profiles.enumerated() {
            let fields: [String?] = [profile.name.tokens.isEmpty ? nil : Set(profile.name.tokens).sorted().joined(separator: " "),
                                     profile.taxID, profile.street, profile.number, profile.postalCode, profile.phone, profile.email,
                                     profile.country, profile.name.legalForm]
            for (field, value) in fields.enumerated() {
                guard let value else { continue }
                let known = numbers[field][value]
                let number = known ?? Int32(numbers[field].count)
                if known == nil { numbers[field][value] = number }
                values[index * Self.width + field] = number
            }
            nameScalars += profile.name.core.unicodeScalars.lazy.map(\.value)
            nameStarts.append(nameScalars.count)
            taxScalars += (profile.taxID ?? "").unicodeScalars.lazy.map(\.value)
            taxStarts.append(taxScalars.count)
        }
        self.values = values
        self.nameStarts = nameStarts
        self.nameScalars = nameScalars
        self.taxStarts = taxStarts
        self.taxScalars = taxScalars
    }

    /// The comparison of profiles `a` and `b`, packed: each field's level + 1 as a base-5 digit,
    /// the first field of `PartyComparison.fields` most significant (the code stored pairs carry).
    func code(_ a: Int, _ b: Int) -> UInt32 {
        withView { $0.code(a, b) }
    }

    /// Every pair's code, on every core (comparisons are independent).
    func codes(_ pairs: [(Int, Int)]) -> [UInt32] {
        guard pairs.count >= 10_000 else { return withView { view in pairs.map { view.code($0.0, $0.1) } } }
        return [UInt32](unsafeUninitializedCapacity: pairs.count) { buffer, initialized in
            let out = Output(base: buffer.baseAddress!)
            let chunks = max(1, ProcessInfo.processInfo.activeProcessorCount) * 8
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                withView { view in
                    pairs.withUnsafeBufferPointer { pairs in
                        for index in (pairs.count * chunk / chunks)..<(pairs.count * (chunk + 1) / chunks) {
                            out.base[index] = view.code(pairs[index].0, pairs[index].1)
                        }
                    }
                }
            }
            initialized = pairs.count
        }
    }

    private struct Output: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt32>
    }

    private func withView<R>(_ body: (View) -> R) -> R {
        values.withUnsafeBufferPointer { values in
            nameStarts.withUnsafeBufferPointer { nameStarts in
                nameScalars.withUnsafeBufferPointer { nameScalars in
                    taxStarts.withUnsafeBufferPointer { taxStarts in
                        taxScalars.withUnsafeBufferPointer { taxScalars in
                            body(View(values: values, nameStarts: nameStarts, nameScalars: nameScalars,
                                      taxStarts: taxStarts, taxScalars: taxScalars))
                        }
                    }
                }
            }
        }
    }

    private struct View {
        let values: UnsafeBufferPointer<Int32>
        let nameStarts: UnsafeBufferPointer<Int>
        let nameScalars: UnsafeBufferPointer<UInt32>
        let taxStarts: UnsafeBufferPointer<Int>
        let taxScalars: UnsafeBufferPointer<UInt32>

        func code(_ a: Int, _ b: Int) -> UInt32 {
            let x = a * PartyFeatures.width, y = b * PartyFeatures.width
            var code: UInt32 = 0
            func put(_ level: Int) { code = code &* 5 &+ UInt32(level + 1) }
            func present(_ field: Int) -> Bool { values[x + field] >= 0 && values[y + field] >= 0 }
            func same(_ field: Int) -> Bool { values[x + field] == values[y + field] }
            // Name: the same words in any order, else how close the core names are.
            if !present(0) {
                put(-1)
            } else if same(0) {
                put(3)
            } else {
                let x = UnsafeBufferPointer(rebasing: nameScalars[nameStarts[a]..<nameStarts[a + 1]])
                let y = UnsafeBufferPointer(rebasing: nameScalars[nameStarts[b]..<nameStarts[b + 1]])
                let similarity = Similarity.jaroWinkler(x, y)
                // Close as strings and word for word; similar with a word more or less
                // (`Similarity.wordsAgree`); else different.
                if similarity < 0.85 {
                    put(0)
                } else {
                    switch Similarity.wordsAgree(x, y) {
                    case .none: put(0)
                    case .oneSideCovered: put(1)
                    case .wordForWord: put(similarity >= 0.94 ? 2 : 1)
                    }
                }
            }
            // Tax id: the same, one slip apart, or different.
            if !present(1) {
                put(-1)
            } else if same(1) {
                put(2)
            } else {
                put(Similarity.withinOneEdit(UnsafeBufferPointer(rebasing: taxScalars[taxStarts[a]..<taxStarts[a + 1]]),
                                             UnsafeBufferPointer(rebasing: taxScalars[taxStarts[b]..<taxStarts[b + 1]])) ? 1 : 0)
            }
            // Address: the same street and number, the same street, or different.
            if !present(2) {
                put(-1)
            } else {
                put(same(2) ? (values[x + 3] >= 0 && same(3) ? 2 : 1) : 0)
            }
            // Postal code, phone, email, country, legal form: the same or not.
            for field in 4..<9 { put(present(field) ? (same(field) ? 1 : 0) : -1) }
            return code
        }
    }
}
