import RastroModel

/// Turns one trimmed, non-empty cell into a normalized value for its field type, or says why not.
/// Reasons name the rule, never the value.
struct CellParser {
    let catalog: ChemicalCatalog
    let countries: Countries

    func parse(_ bytes: UnsafeBufferPointer<UInt8>, as type: FieldType) -> Result<FieldValue, Reason> {
        switch type {
        case .text:
            guard let text = Self.utf8(bytes) else { return .failure(.notUTF8) }
            return .success(.text(text))
        case .identifier:
            guard bytes.count <= 200 else { return .failure(.tooLong(200)) }
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return .failure(.controlCharacters) }
            guard let text = Self.utf8(bytes) else { return .failure(.notUTF8) }
            return .success(.text(text))
        case .date:
            switch Timestamp.parseDate(bytes) {
            case .success(let text): return .success(.text(text))
            case .failure(let problem): return .failure(problem == .invalidDate ? .invalidDate : .dateFormat)
            }
        case .timestamp:
            switch Timestamp.parseTimestamp(bytes) {
            case .success(let parsed): return .success(.text(parsed.text))
            case .failure(.missingZone): return .failure(.missingZone)
            case .failure(.invalidDate): return .failure(.invalidDate)
            case .failure(.invalidTime): return .failure(.invalidTime)
            case .failure: return .failure(.timestampFormat)
            }
        case .number(let min, let max):
            return number(bytes).flatMap { value in
                if let min, value < min { return .failure(.outOfRange(min, max)) }
                if let max, value > max { return .failure(.outOfRange(min, max)) }
                return .success(.number(value))
            }
        case .quantity:
            return number(bytes).flatMap { $0 < 0 ? .failure(.negativeQuantity) : .success(.number($0)) }
        case .latitude:
            return number(bytes).flatMap { (-90...90).contains($0) ? .success(.number($0)) : .failure(.latitude) }
        case .longitude:
            return number(bytes).flatMap { (-180...180).contains($0) ? .success(.number($0)) : .failure(.longitude) }
        case .country:
            guard bytes.count == 2, let code = Self.upperLetters(bytes) else { return .failure(.countryFormat) }
            return countries.contains(code) ? .success(.text(code)) : .failure(.unknownCountry)
        case .locode:
            let compact = bytes.filter { $0 != 0x20 }
            guard compact.count == 5 else { return .failure(.locode) }
            let upper = compact.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
            guard upper[0...1].allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }),
                  upper[2...4].allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x32 && $0 <= 0x39) })
            else { return .failure(.locode) }
            let text = String(decoding: upper, as: UTF8.self)
            return countries.contains(String(text.prefix(2))) ? .success(.text(text)) : .failure(.unknownCountry)
        case .cas:
            guard let text = Self.utf8(bytes) else { return .failure(.casFormat) }
            switch CASNumber.validate(text) {
            case .success(let cas): return .success(.text(cas.text))
            case .failure(.checkDigit): return .failure(.casCheckDigit)
            case .failure: return .failure(.casFormat)
            }
        case .hsCode:
            guard bytes.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x20 }) else { return .failure(.hsCode) }
            let digits = bytes.count { $0 >= 0x30 && $0 <= 0x39 }
            guard (6...10).contains(digits) else { return .failure(.hsCode) }
            return .success(.text(String(decoding: bytes, as: UTF8.self)))
        case .enumeration(let allowed):
            // Most cells are already one of the allowed (lower-case ASCII) values: no String made.
            for candidate in allowed where Self.equalsIgnoringASCIICase(bytes, candidate) { return .success(.text(candidate)) }
            guard let text = Self.utf8(bytes) else { return .failure(.notUTF8) }
            let value = text.lowercased()
            return allowed.contains(value) ? .success(.text(value)) : .failure(.notOneOf(allowed))
        case .list:
            guard let text = Self.utf8(bytes) else { return .failure(.notUTF8) }
            let slots = text.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            return .success(.text(slots.joined(separator: ";")))
        case .email:
            guard let text = Self.utf8(bytes) else { return .failure(.notUTF8) }
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
                  !text.contains(" ") else { return .failure(.email) }
            return .success(.text(text))
        }
    }

    /// `[-+]digits[.digits][e[-+]digits]` with `.` as the decimal point.
    func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<Double, Reason> {
        var index = 0
        let count = bytes.count
        var negative = false
        if bytes[0] == 0x2D || bytes[0] == 0x2B {
            negative = bytes[0] == 0x2D
            index = 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var scale = 0
        var sawDigit = false
        while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            if digits < 18 { mantissa = mantissa * 10 + UInt64(bytes[index] - 0x30); digits += mantissa > 0 ? 1 : 0 } else { scale -= 1 }
            sawDigit = true
            index += 1
        }
        if index < count, bytes[index] == 0x2E {
            index += 1
            while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if digits < 18 { mantissa = mantissa * 10 + UInt64(bytes[index] - 0x30); digits += mantissa > 0 ? 1 : 0; scale += 1 }
                sawDigit = true
                index += 1
            }
        }
        guard sawDigit else { return .failure(bytes.contains(0x2C) ? .decimalComma : .notANumber) }
        if index < count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            // Rare: let the standard library do exponents.
            guard let text = Self.utf8(bytes), let value = Double(text), value.isFinite else { return .failure(.notANumber) }
            return .success(value)
        }
        guard index == count else { return .failure(bytes.contains(0x2C) ? .decimalComma : .notANumber) }
        var value: Double
        if mantissa < (1 << 53), scale <= 22, scale >= -22 {
            value = scale >= 0 ? Double(mantissa) / Self.powers[scale] : Double(mantissa) * Self.powers[-scale]
        } else {
            guard let text = Self.utf8(bytes), let parsed = Double(text) else { return .failure(.notANumber) }
            value = abs(parsed)
        }
        if negative { value = -value }
        return .success(value)
    }

    private static let powers: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    static func utf8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // ASCII needs no validation (and the generic validating initializer costs a metadata
        // lookup per call); anything else is validated.
        var index = 0
        let count = bytes.count
        while index < count, bytes[index] < 0x80 { index += 1 }
        if index == count { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    /// True when `bytes` spell `candidate` (lower-case ASCII) in any ASCII case.
    static func equalsIgnoringASCIICase(_ bytes: UnsafeBufferPointer<UInt8>, _ candidate: String) -> Bool {
        guard bytes.count == candidate.utf8.count else { return false }
        var index = 0
        for expected in candidate.utf8 {
            var byte = bytes[index]
            if byte >= 0x41, byte <= 0x5A { byte += 0x20 }
            guard byte == expected else { return false }
            index += 1
        }
        return true
    }

    static func upperLetters(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var out = [UInt8]()
        for byte in bytes {
            switch byte {
            case 0x41...0x5A: out.append(byte)
            case 0x61...0x7A: out.append(byte - 0x20)
            default: return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
