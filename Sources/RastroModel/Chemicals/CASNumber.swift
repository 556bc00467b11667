/// A CAS Registry Number, `NNNNNNN-NN-N`, whose last digit is a verified check digit.
public struct CASNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    public let text: String

    /// Why a text is not a CAS number.
    public enum Problem: Error, Sendable, Hashable {
        case format
        case checkDigit
    }

    /// Validates `text` (surrounding spaces tolerated; a leading `CAS` tolerated).
    public static func validate(_ raw: some StringProtocol) -> Result<CASNumber, Problem> {
        var text = raw.trimmingWhitespace()
        if text.uppercased().hasPrefix("CAS") {
            text = String(text.dropFirst(3)).trimmingWhitespace()
            if text.hasPrefix(":") { text = String(text.dropFirst()).trimmingWhitespace() }
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, (2...7).contains(parts[0].count), parts[1].count == 2, parts[2].count == 1,
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } })
        else { return .failure(.format) }
        let digits = Array((parts[0] + parts[1]).utf8.map { Int($0 - 0x30) })
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() { sum += (position + 1) * digit }
        guard sum % 10 == Int(parts[2].utf8.first! - 0x30) else { return .failure(.checkDigit) }
        // Leading zeros are not part of the canonical form.
        var first = Substring(parts[0])
        while first.count > 2, first.first == "0" { first = first.dropFirst() }
        return .success(CASNumber(text: "\(first)-\(parts[1])-\(parts[2])"))
    }

    private init(text: String) { self.text = text }

    public init?(_ raw: some StringProtocol) {
        guard case .success(let value) = Self.validate(raw) else { return nil }
        self = value
    }

    public var description: String { text }
}
