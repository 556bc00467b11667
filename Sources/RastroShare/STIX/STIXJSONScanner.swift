/// Finds the objects of a STIX bundle in a file's bytes, with where each starts, without building
/// the whole document: a JSON syntax check that reports the line and column where the text stops
/// being JSON. Each object is then decoded on its own.
struct STIXJSONScanner {
    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    /// What the scan found: the bundle's `type` and the byte range of each element of `objects`.
    struct Bundle {
        var type: String?
        var objects: [Range<Int>] = []
    }

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0
    private static let maxDepth = 256

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func scanBundle(_ bytes: [UInt8]) throws(Failure) -> Bundle {
        var scanner = STIXJSONScanner(bytes)
        var bundle = Bundle()
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        scanner.position = start
        scanner.skipSpace()
        guard scanner.peek == UInt8(ascii: "{") else { throw Failure(offset: scanner.position, reason: "not a JSON object: a STIX bundle starts with {") }
        scanner.position += 1
        scanner.skipSpace()
        if scanner.peek == UInt8(ascii: "}") {
            scanner.position += 1
        } else {
            while true {
                scanner.skipSpace()
                let keyRange = try scanner.string()
                let key = String(decoding: bytes[keyRange], as: UTF8.self)
                scanner.skipSpace()
                try scanner.expect(UInt8(ascii: ":"))
                scanner.skipSpace()
                if key == "objects" {
                    guard scanner.peek == UInt8(ascii: "[") else { throw Failure(offset: scanner.position, reason: "objects: expected an array") }
                    scanner.position += 1
                    scanner.skipSpace()
                    if scanner.peek == UInt8(ascii: "]") {
                        scanner.position += 1
                    } else {
                        while true {
                            scanner.skipSpace()
                            let begin = scanner.position
                            try scanner.value()
                            bundle.objects.append(begin..<scanner.position)
                            scanner.skipSpace()
                            if scanner.peek == UInt8(ascii: ",") { scanner.position += 1; continue }
                            try scanner.expect(UInt8(ascii: "]"))
                            break
                        }
                    }
                } else if key == "type", scanner.peek == UInt8(ascii: "\"") {
                    let range = try scanner.string()
                    bundle.type = String(decoding: bytes[range], as: UTF8.self)
                } else {
                    try scanner.value()
                }
                scanner.skipSpace()
                if scanner.peek == UInt8(ascii: ",") { scanner.position += 1; continue }
                try scanner.expect(UInt8(ascii: "}"))
                break
            }
        }
        scanner.skipSpace()
        guard scanner.position == bytes.count else { throw Failure(offset: scanner.position, reason: "text after the end of the bundle") }
        return bundle
    }

    /// The 1-based line and column (in characters) of a byte offset.
    static func lineColumn(_ bytes: [UInt8], _ offset: Int) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for byte in bytes[0..<min(offset, bytes.count)] {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek == byte else {
            throw Failure(offset: position, reason: peek == nil ? "the text ends too early (truncated?)" : "expected \(Character(UnicodeScalar(byte)))")
        }
        position += 1
    }

    /// Skips a string and returns the range of its raw content (escapes not decoded).
    private mutating func string() throws(Failure) -> Range<Int> {
        try expect(UInt8(ascii: "\""))
        let start = position
        while let byte = peek {
            if byte == UInt8(ascii: "\"") { position += 1; return start..<(position - 1) }
            if byte == UInt8(ascii: "\\") { position += 2; continue }
            if byte < 0x20 { throw Failure(offset: position, reason: "a control character inside a string") }
            position += 1
        }
        throw Failure(offset: position, reason: "the text ends inside a string (truncated?)")
    }

    private mutating func value() throws(Failure) {
        guard let byte = peek else { throw Failure(offset: position, reason: "the text ends too early (truncated?)") }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            guard depth <= Self.maxDepth else { throw Failure(offset: position, reason: "nested too deeply") }
            let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            skipSpace()
            if peek == close { position += 1; depth -= 1; return }
            while true {
                skipSpace()
                if close == UInt8(ascii: "}") {
                    _ = try string()
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    skipSpace()
                }
                try value()
                skipSpace()
                if peek == UInt8(ascii: ",") { position += 1; continue }
                try expect(close)
                depth -= 1
                return
            }
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for word in ["true", "false", "null"] where bytes[position...].starts(with: word.utf8) {
                position += word.utf8.count
                return
            }
            throw Failure(offset: position, reason: "not a JSON value")
        default:
            let start = position
            while let next = peek, (next >= 0x30 && next <= 0x39) || [0x2D, 0x2B, 0x2E, 0x65, 0x45].contains(next) { position += 1 }
            guard position > start else { throw Failure(offset: position, reason: "not a JSON value") }
        }
    }
}
