/// One column of a contract kind.
public struct Field: Sendable, Hashable {
    public var name: String
    public var type: FieldType
    /// Required on its own (`*` in the contract). Alternatives ("a* or b*") are in `KindSchema.oneOf`.
    public var required: Bool

    public init(_ name: String, _ type: FieldType, required: Bool = false) {
        self.name = name
        self.type = type
        self.required = required
    }
}
