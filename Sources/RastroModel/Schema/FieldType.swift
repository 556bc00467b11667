/// How a contract field is validated and stored.
public enum FieldType: Sendable, Hashable {
    /// Free text, trimmed; stored as given.
    case text
    /// An identifier: trimmed text without control characters, at most 200 bytes.
    case identifier
    /// `YYYY-MM-DD`, a real calendar date.
    case date
    /// ISO 8601 with `Z` or an offset; stored in UTC as `YYYY-MM-DDTHH:MM:SS[.fff]Z`.
    case timestamp
    /// A decimal number in `[min, max]` (either bound optional).
    case number(min: Double?, max: Double?)
    /// Kilograms: a decimal number ≥ 0.
    case quantity
    /// WGS84 latitude in [-90, 90].
    case latitude
    /// WGS84 longitude in [-180, 180].
    case longitude
    /// ISO 3166-1 alpha-2, upper-cased.
    case country
    /// UN/LOCODE: a country code and three letters or digits 2–9 (`MXZLO`), upper-cased, space tolerated.
    case locode
    /// A CAS Registry Number with a verified check digit.
    case cas
    /// An HS code: 6 to 10 digits, dots allowed; stored as given.
    case hsCode
    /// One of a fixed list of values (case-insensitive), stored lower-case.
    case enumeration([String])
    /// A `;`-separated list of text values; empty slots are kept (they mean "unknown").
    case list
    /// An e-mail address (one `@`, a dot in the domain).
    case email

    /// The SQL column type shared by SQLite and PostgreSQL.
    public var sqlType: String {
        switch self {
        case .number, .quantity, .latitude, .longitude: "DOUBLE PRECISION"
        default: "TEXT"
        }
    }

    public var isNumeric: Bool { sqlType == "DOUBLE PRECISION" }
}
