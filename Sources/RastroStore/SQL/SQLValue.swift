/// A value going into or coming out of SQL, the same for both backends.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)

    public var text: String? {
        switch self {
        case .text(let value): value
        case .integer(let value): String(value)
        case .double(let value): String(value)
        case .null: nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .double(let value): Int64(exactly: value)
        case .text(let value): Int64(value)
        case .null: nil
        }
    }

    public var double: Double? {
        switch self {
        case .double(let value): value
        case .integer(let value): Double(value)
        case .text(let value): Double(value)
        case .null: nil
        }
    }
}

/// Rows as column name → value, in query order.
public struct SQLRow: Sendable {
    public var columns: [String]
    public var values: [SQLValue]

    public subscript(_ name: String) -> SQLValue {
        guard let index = columns.firstIndex(of: name) else { return .null }
        return values[index]
    }
}
