/// Text helpers for reading requests without Foundation's string functions, which cost microseconds
/// each on Linux: a profile of one-object TAXII pages put 15 % of the server's CPU in the query
/// string's decoding and the `Accept` header's check (docs/benchmarks.md, federation).
enum RequestText {
    /// Spaces and tabs (HTTP's optional whitespace) trimmed from both ends.
    static func trimmed(_ text: Substring) -> Substring {
        let utf8 = text.utf8
        var start = utf8.startIndex, end = utf8.endIndex
        while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        while end > start {
            let before = utf8.index(before: end)
            guard utf8[before] == 0x20 || utf8[before] == 0x09 else { break }
            end = before
        }
        return text[start..<end]
    }

    /// ASCII letters lowered; every other byte kept (media types, schemes and tokens are ASCII).
    static func lowercasedASCII(_ text: Substring) -> String {
        guard text.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return String(text) }
        return String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// A query component form-decoded: `+` is a space, `%XX` a byte. A component with a malformed
    /// escape, or whose bytes are not UTF-8 once decoded, is kept exactly as it came.
    static func formDecoded(_ text: Substring) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x25 || $0 == 0x2B }) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case 0x2B:
                bytes.append(0x20)
            case 0x25:
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return String(text) }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? String(text)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
