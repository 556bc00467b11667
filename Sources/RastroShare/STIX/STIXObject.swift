/// One STIX 2.1 object as Rastro exports it: its id, type and version, and its whole JSON text
/// (compact, keys sorted, so that the same content always gives the same bytes).
public struct STIXObject: Sendable, Hashable {
    /// `type--uuid`.
    public var id: String
    public var type: String
    /// Always `2.1`.
    public var specVersion: String
    /// The object's `modified`, or `created` when it has none (marking and extension definitions).
    public var version: String
    /// The whole object, serialized compactly with sorted keys.
    public var json: String

    public init(id: String, type: String, specVersion: String = "2.1", version: String, json: String) {
        self.id = id
        self.type = type
        self.specVersion = specVersion
        self.version = version
        self.json = json
    }

    /// Builds the object from its properties (which must hold `id`, `type` and `created`).
    init(_ properties: [String: STIXValue]) {
        let id = properties["id"]?.string ?? ""
        let type = properties["type"]?.string ?? ""
        let version = properties["modified"]?.string ?? properties["created"]?.string ?? ""
        self.init(id: id, type: type, specVersion: properties["spec_version"]?.string ?? "2.1", version: version,
                  json: STIXValue.object(properties).serialized)
    }
}

/// A JSON value, written deterministically: object keys sorted by their UTF-8 bytes, no spaces,
/// numbers in their shortest round-tripping form.
public indirect enum STIXValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case array([STIXValue])
    case object([String: STIXValue])

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .string(let value): out += JSONText.quote(value)
        case .number(let value): out += value.isFinite ? FieldValue.format(value) : "null"
        case .integer(let value): out += String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .array(let values):
            out += "["
            for (position, value) in values.enumerated() {
                if position > 0 { out += "," }
                value.write(into: &out)
            }
            out += "]"
        case .object(let properties):
            out += "{"
            for (position, key) in properties.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if position > 0 { out += "," }
                out += JSONText.quote(key) + ":"
                properties[key]!.write(into: &out)
            }
            out += "}"
        }
    }
}

import RastroModel
