/// The fields of one kind and the rules that span fields.
public struct KindSchema: Sendable {
    public var kind: Kind
    /// Fields in contract order; a record's `values` are aligned with them.
    public var fields: [Field]
    /// The fields whose values form the record id, joined with `@` (track points: vehicle and time).
    public var idFields: [String]
    /// Groups of alternatives: the file needs one of the columns and each row a value in one.
    public var oneOf: [[String]]
    /// Whether the kind names a chemical (`chemical_cas` / `chemical_name`) that the catalog resolves.
    public var hasChemical: Bool

    /// The column names that are markings, accepted on every kind.
    public static let markingColumns = ["tlp", "releasable_to", "originator"]

    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    public var idIndexes: [Int] { idFields.map { index(of: $0)! } }
}
