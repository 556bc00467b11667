import Crypto
public import RastroModel

/// Rastro's STIX ids: UUIDv5 (RFC 9562, SHA-1 name-based) of a name under a fixed Rastro
/// namespace, so that the same thing always gets the same id on every node and every export.
///
/// | object | name |
/// | --- | --- |
/// | a record | `ORIGINATOR/KIND/ID` (e.g. `MX-SAT/consignments/C-1`) |
/// | an organization's identity | `ORG/identity/ORG` |
/// | a lead's report | `ORIGIN/leads/LEAD-ID` |
/// | a lead step's note | `ORG/lead-events/LEAD-ID/ACTION` |
/// | a port's location | `rastro/location/LOCODE` |
/// | an observation's place | `ORIGINATOR/observations-location/ID` |
/// | a relationship | `ORIGINATOR/relationships/KIND/ID/TYPE/TARGET-ID` |
public enum STIXIdentifier {
    /// The Rastro namespace (a random UUID fixed once: never change it, or every id changes).
    public static let namespace: [UInt8] = uuidBytes("3f0b6f6e-5c1e-4d8a-9b51-7a2f4c0e9d13")!

    /// `type--uuid5(namespace, name)`.
    public static func id(_ type: String, _ name: String) -> String {
        type + "--" + uuidV5(namespace: namespace, name: name)
    }

    /// The id of a record's object.
    public static func record(_ type: String, originator: String, kind: Kind, id: String) -> String {
        Self.id(type, "\(originator)/\(kind.rawValue)/\(id)")
    }

    /// The identity of an organization (a record's originator, a lead's sender or recipient).
    public static func organization(_ org: String) -> String {
        id("identity", "\(org)/identity/\(org)")
    }

    /// The UUIDv5 of `name` (its UTF-8 bytes) under `namespace`, lower-case.
    public static func uuidV5(namespace: [UInt8], name: String) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace)
        hasher.update(data: Array(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return format(bytes)
    }

    static func format(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { byte in String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    /// The 16 bytes of a textual UUID, or nil when it is not one.
    public static func uuidBytes(_ text: String) -> [UInt8]? {
        let hex = text.filter { $0 != "-" }
        guard hex.count == 32, text.count == 36 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// True when `id` is `type--uuid` with a well-formed UUID.
    public static func isValid(_ id: String) -> Bool {
        guard let range = id.range(of: "--") else { return false }
        let type = id[..<range.lowerBound]
        return !type.isEmpty && uuidBytes(String(id[range.upperBound...])) != nil
    }
}

/// STIX timestamps: RFC 3339 in UTC with milliseconds, `2026-03-02T14:05:00.000Z`.
enum STIXTime {
    /// From a stored timestamp (`…SS[.f…]Z`) or date (`YYYY-MM-DD`), plus `extraMilliseconds`
    /// when the stored time has none; nil when the text is neither.
    static func format(_ text: String, extraMilliseconds: Int = 0) -> String? {
        if text.count == 10, case .success = Timestamp.parseDate(text) { return text + "T00:00:00.000Z" }
        guard case .success(let parsed) = Timestamp.parseTimestamp(text) else { return nil }
        var whole = parsed.epochSeconds.rounded(.down)
        var millis = Int(((parsed.epochSeconds - whole) * 1000).rounded())
        if millis >= 1000 { whole += 1; millis -= 1000 }
        if millis == 0 { millis = min(max(extraMilliseconds, 0), 999) }
        let base = Timestamp.format(epoch: Int64(whole))
        let digits = String(millis)
        return String(base.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// A STIX timestamp's date, `YYYY-MM-DD`.
    static func date(_ text: String) -> String? {
        guard case .success(let parsed) = Timestamp.parseTimestamp(text) else { return nil }
        return String(parsed.text.prefix(10))
    }
}
