import RastroModel

/// Why a cell or a row is invalid: the rule broken, in words, without the offending value.
enum Reason: Error, Hashable, CustomStringConvertible {
    case missing
    case missingOneOf([String])
    case notUTF8
    case tooLong(Int)
    case controlCharacters
    case dateFormat
    case invalidDate
    case timestampFormat
    case invalidTime
    case missingZone
    case notANumber
    case decimalComma
    case outOfRange(Double?, Double?)
    case negativeQuantity
    case latitude
    case longitude
    case countryFormat
    case unknownCountry
    case locode
    case casFormat
    case casCheckDigit
    case hsCode
    case notOneOf([String])
    case email
    case tlp
    case party
    case pairIncomplete(String)
    case before(String)
    case listLengths(String, String)
    case wrongFieldCount(expected: Int, found: Int)

    var description: String {
        switch self {
        case .missing: "required value is missing"
        case .missingOneOf(let names): "one of \(names.joined(separator: ", ")) is required"
        case .notUTF8: "not valid UTF-8 text"
        case .tooLong(let limit): "longer than \(limit) bytes"
        case .controlCharacters: "contains control characters"
        case .dateFormat: "bad date (expected YYYY-MM-DD)"
        case .invalidDate: "bad date (no such day in the calendar)"
        case .timestampFormat: "bad timestamp (expected ISO 8601, e.g. 2026-03-02T14:05:00-06:00)"
        case .invalidTime: "bad timestamp (time or offset out of range)"
        case .missingZone: "timestamp without a time zone (add Z or an offset such as -06:00)"
        case .notANumber: "not a number"
        case .decimalComma: "not a number (use . as the decimal point, no thousands separators)"
        case .outOfRange(let min, let max):
            "out of range [\(min.map(FieldValue.format) ?? "-∞"), \(max.map(FieldValue.format) ?? "∞")]"
        case .negativeQuantity: "negative quantity"
        case .latitude: "latitude out of range [-90, 90]"
        case .longitude: "longitude out of range [-180, 180]"
        case .countryFormat: "bad country (expected an ISO 3166-1 alpha-2 code such as MX)"
        case .unknownCountry: "unknown ISO 3166-1 country code"
        case .locode: "bad UN/LOCODE (expected 5 characters such as MXZLO)"
        case .casFormat: "bad CAS number (expected digits like 79-09-4)"
        case .casCheckDigit: "bad CAS check digit"
        case .hsCode: "bad HS code (expected 6 to 10 digits, dots allowed)"
        case .notOneOf(let allowed): "unknown value (expected one of: \(allowed.joined(separator: ", ")))"
        case .email: "bad e-mail address"
        case .tlp: "unknown TLP level (expected clear, green, amber, amber+strict or red)"
        case .party: "bad organization id or country (letters, digits, - . _; 2 to 64 characters)"
        case .pairIncomplete(let other): "given without \(other)"
        case .before(let other): "earlier than \(other)"
        case .listLengths(let first, let second): "\(first) and \(second) have different numbers of entries"
        case .wrongFieldCount(let expected, let found): "expected \(expected) fields, found \(found)"
        }
    }
}
