import Foundation

/// A Traffic Light Protocol 2.0 level (FIRST), from the least to the most restrictive.
public enum TLP: String, CaseIterable, Sendable, Codable, Hashable, Comparable {
    case clear
    case green
    case amber
    case amberStrict = "amber+strict"
    case red

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: TLP, rhs: TLP) -> Bool { lhs.rank < rhs.rank }

    /// Parses `clear`, `GREEN`, `TLP:AMBER+STRICT`, `amber_strict` … (case-insensitive; the
    /// `TLP:` prefix and `_`/space for `+` are tolerated). `white` is TLP 1.0's name for CLEAR.
    public init?(parsing text: some StringProtocol) {
        var value = text.trimmingWhitespace().lowercased()
        if value.hasPrefix("tlp:") { value.removeFirst(4) }
        value = value.replacingOccurrences(of: "_", with: "+").replacingOccurrences(of: " ", with: "+")
        if value == "white" { value = "clear" }
        self.init(rawValue: value)
    }

    /// The label FIRST prescribes, e.g. `TLP:AMBER+STRICT`.
    public var label: String { "TLP:" + rawValue.uppercased() }
}
