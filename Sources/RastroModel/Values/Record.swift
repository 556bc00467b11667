/// One validated row of a contract file, ready to store: its kind, id, field values aligned with
/// the kind's schema, extra attributes, marking and the line it came from.
public struct Record: Sendable, Hashable {
    public var kind: Kind
    public var id: String
    /// Aligned with `kind.schema.fields`.
    public var values: [FieldValue]
    /// Unknown extra columns, kept as attributes: sorted by name, non-empty values only.
    public var attributes: [Attribute]
    public var marking: Marking
    /// The catalog CAS number the chemical resolved to, or nil when unlisted (or no chemical).
    public var chemicalRef: String?
    /// The physical line the record starts on (NDJSON: the line number).
    public var line: Int
    /// Fields (and `attributes`) withheld from this reader as personal data; empty when nothing was.
    /// Not part of the content: a stored record never carries it.
    public var redactedFields: [String] = []

    public struct Attribute: Sendable, Hashable, Codable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(kind: Kind, id: String, values: [FieldValue], attributes: [Attribute] = [], marking: Marking,
                chemicalRef: String? = nil, line: Int) {
        self.kind = kind
        self.id = id
        self.values = values
        self.attributes = attributes
        self.marking = marking
        self.chemicalRef = chemicalRef
        self.line = line
    }

    public subscript(_ name: String) -> FieldValue {
        guard let index = kind.schema.index(of: name) else { return .null }
        return values[index]
    }

    /// A 64-bit FNV-1a hash of everything that makes this version's content: values, attributes
    /// and marking (not provenance). Loading a row whose hash equals the current version's changes nothing.
    public var contentHash: Int64 {
        var hash = ContentHash()
        for value in values {
            switch value {
            case .null: hash.add(byte: 0)
            case .text(let text): hash.add(byte: 1); hash.add(text)
            case .number(let number): hash.add(byte: 2); hash.add(number.bitPattern)
            }
        }
        for attribute in attributes {
            hash.add(byte: 3); hash.add(attribute.name); hash.add(attribute.value)
        }
        hash.add(byte: 4); hash.add(marking.tlp.rawValue)
        hash.add(marking.releasableToStored)
        hash.add(marking.originator)
        return Int64(bitPattern: hash.value)
    }

    /// Attributes as a JSON object with sorted keys, or nil when there are none.
    public var attributesJSON: String? {
        guard !attributes.isEmpty else { return nil }
        var out = "{"
        for (position, attribute) in attributes.enumerated() {
            if position > 0 { out += "," }
            out += JSONText.quote(attribute.name) + ":" + JSONText.quote(attribute.value)
        }
        return out + "}"
    }
}
