public import Foundation

/// A chemical of the catalog: a UN 1988 Convention precursor (Table I or II) or an ordinary
/// industrial chemical that travels with them.
public struct Chemical: Sendable, Hashable, Codable {
    public var cas: String
    public var nameEN: String
    public var nameES: String
    public var synonyms: [String]
    public var hsCodes: [String]
    /// `I`, `II`, or nil when not under international control.
    public var table: String?
    /// The date international control took effect, `YYYY-MM-DD`.
    public var controlledSince: String?
    public var fentanylPrecursor: Bool

    public var isControlled: Bool { table != nil }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case cas, nameEN = "name_en", nameES = "name_es", synonyms, hsCodes = "hs_codes", table
        case controlledSince = "controlled_since", fentanylPrecursor = "fentanyl_precursor"
    }

    /// The name in the given language (`es` or anything else for English).
    public func name(language: String) -> String { language.hasPrefix("es") ? nameES : nameEN }
}
