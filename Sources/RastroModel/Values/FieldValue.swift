/// A validated, normalized field value.
public enum FieldValue: Sendable, Hashable, Codable {
    case null
    case text(String)
    case number(Double)

    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The value as it would be written back to a CSV cell.
    public var display: String {
        switch self {
        case .null: ""
        case .text(let value): value
        case .number(let value): Self.format(value)
        }
    }

    /// Shortest round-tripping decimal form, without a trailing `.0` for whole numbers.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
