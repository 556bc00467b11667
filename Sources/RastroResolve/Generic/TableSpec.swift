/// What the table engine needs to know about a table of records: its fields, each with a kind
/// (how to compare it), the blocking keys (lists of fields), and the fields whose values data entry
/// sometimes swaps.
public struct TableSpec: Sendable {
    public enum FieldKind: Sendable {
        /// Free text such as a name or a street: folded; same / JW ≥ 0.92 / JW ≥ 0.8 / different.
        case name
        /// Codes compared as they are: same / different.
        case exact
        /// Identifiers and dates written as digits: same / one slip apart / different.
        case identifier
    }

    public struct Field: Sendable {
        public var name: String
        public var kind: FieldKind
        public init(_ name: String, _ kind: FieldKind) {
            self.name = name
            self.kind = kind
        }
    }

    public var fields: [Field]
    /// Each key is a list of field indexes; name fields enter a key through their phonetic code.
    public var blocking: [[Int]]
    /// Blocks with more than this many records (for linkage: more than its square of pairs) are
    /// not used.
    public var maxBlock: Int
    /// Pairs of fields of the same kind whose values may be entered in each other's place (given
    /// name and surname, the two address lines). A pair of records compares such two fields
    /// crosswise when that agrees better than straight (see `TableResolver`); the fields share
    /// one vocabulary.
    public var interchangeable: [[Int]]

    public init(fields: [Field], blocking: [[Int]], maxBlock: Int = 500, interchangeable: [[Int]] = []) {
        precondition(interchangeable.allSatisfy { $0.count == 2 && fields[$0[0]].kind == fields[$0[1]].kind },
                     "interchangeable fields come in pairs of one kind")
        self.fields = fields
        self.blocking = blocking
        self.maxBlock = maxBlock
        self.interchangeable = interchangeable
    }
}
