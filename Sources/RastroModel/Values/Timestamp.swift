/// Parsing and normalizing contract dates (`YYYY-MM-DD`) and timestamps (ISO 8601 with `Z` or an
/// offset), straight from UTF-8 bytes.
public enum Timestamp {
    public enum Problem: Error, Sendable, Hashable {
        case format
        case invalidDate
        case invalidTime
        case missingZone
    }

    /// A normalized timestamp: `YYYY-MM-DDTHH:MM:SS[.f…]Z` in UTC, and seconds since 1970.
    public struct Parsed: Sendable, Hashable {
        public var text: String
        public var epochSeconds: Double
    }

    public static func parseDate(_ text: String) -> Result<String, Problem> {
        var text = text
        return text.withUTF8 { parseDate($0) }
    }

    public static func parseTimestamp(_ text: String) -> Result<Parsed, Problem> {
        var text = text
        return text.withUTF8 { parseTimestamp($0) }
    }

    /// `YYYY-MM-DD` → the same text, checked against the calendar.
    public static func parseDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<String, Problem> {
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
              let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2)
        else { return .failure(.format) }
        guard isValid(year: year, month: month, day: day) else { return .failure(.invalidDate) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// ISO 8601 `YYYY-MM-DDTHH:MM[:SS[.f…]](Z|±HH:MM|±HHMM|±HH)`; a space may stand for `T`.
    public static func parseTimestamp(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Parsed, Problem> {
        let count = bytes.count
        guard count >= 16, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54 || bytes[10] == 0x20 || bytes[10] == 0x74,
              bytes[13] == 0x3A,
              let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
              let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2)
        else { return .failure(.format) }
        guard isValid(year: year, month: month, day: day) else { return .failure(.invalidDate) }
        var position = 16
        var second = 0
        var fraction: ArraySlice<UInt8> = []
        if position < count, bytes[position] == 0x3A {
            guard let value = number(bytes, position + 1, 2) else { return .failure(.format) }
            second = value
            position += 3
            if position < count, bytes[position] == 0x2E || bytes[position] == 0x2C {
                position += 1
                let start = position
                while position < count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
                guard position > start, position - start <= 9 else { return .failure(.format) }
                var digits = Array(bytes[start..<position])[...]
                while digits.last == 0x30 { digits.removeLast() }
                fraction = digits
            }
        }
        guard hour <= 23, minute <= 59, second <= 60 else { return .failure(.invalidTime) }
        guard position < count else { return .failure(.missingZone) }
        var offsetMinutes = 0
        switch bytes[position] {
        case 0x5A, 0x7A:
            guard position + 1 == count else { return .failure(.format) }
        case 0x2B, 0x2D:
            let sign = bytes[position] == 0x2D ? -1 : 1
            let rest = count - position - 1
            guard let oh = number(bytes, position + 1, 2) else { return .failure(.format) }
            var om = 0
            if rest == 5, bytes[position + 3] == 0x3A, let value = number(bytes, position + 4, 2) {
                om = value
            } else if rest == 4, let value = number(bytes, position + 3, 2) {
                om = value
            } else if rest != 2 {
                return .failure(.format)
            }
            guard oh <= 18, om <= 59 else { return .failure(.invalidTime) }
            offsetMinutes = sign * (oh * 60 + om)
        default:
            return .failure(.format)
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetMinutes * 60)
        var fractionValue = 0.0
        if !fraction.isEmpty {
            var scale = 0.1
            for digit in fraction { fractionValue += Double(digit - 0x30) * scale; scale /= 10 }
        }
        return .success(Parsed(text: format(epoch: seconds, fraction: fraction), epochSeconds: Double(seconds) + fractionValue))
    }

    /// Formats whole seconds since 1970 (plus optional fraction digits) as `YYYY-MM-DDTHH:MM:SS[.f]Z`.
    public static func format(epoch seconds: Int64, fraction: ArraySlice<UInt8> = []) -> String {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = civilFromDays(days)
        let length = 20 + (fraction.isEmpty ? 0 : fraction.count + 1)
        return String(unsafeUninitializedCapacity: length) { out in
            func put(_ value: Int, _ width: Int, at start: Int) {
                var value = value
                for index in stride(from: start + width - 1, through: start, by: -1) {
                    out[index] = UInt8(0x30 + value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0); out[4] = 0x2D; put(month, 2, at: 5); out[7] = 0x2D; put(day, 2, at: 8)
            out[10] = 0x54
            put(rest / 3600, 2, at: 11); out[13] = 0x3A; put(rest / 60 % 60, 2, at: 14); out[16] = 0x3A
            put(rest % 60, 2, at: 17)
            var position = 19
            if !fraction.isEmpty {
                out[position] = 0x2E
                position += 1
                for digit in fraction {
                    out[position] = digit
                    position += 1
                }
            }
            out[position] = 0x5A
            return position + 1
        }
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> Int? {
        guard start + length <= bytes.count else { return nil }
        var value = 0
        for index in start..<(start + length) {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard year >= 1, (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// Days since 1970-01-01 (H. Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date (year, month, day) of a day number (days since 1970-01-01).
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
