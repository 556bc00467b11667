import RastroStore

/// The first thing wrong with an audit log, and where.
public struct AuditProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The entry's stored hash is not the hash of its content: a field was changed.
        case edited
        /// The entry's previous hash is not the hash of the entry before it: entries were
        /// reordered, or the one before was rewritten (with its hash recomputed).
        case brokenLink
        /// Entries are missing inside the log (deleted), or it does not start at 1.
        case missing
        /// The log ends before an entry that a signed checkpoint covers: its end was cut off.
        case truncated
        /// The entry's hash is not the hash its signed checkpoint states: the log was rewritten.
        case checkpointMismatch
        /// A checkpoint's signature is not valid under the node's key (forged or damaged).
        case badSignature
        /// A checkpoint, a checkpoint file or the node's recorded key names another key than the
        /// one trusted.
        case foreignKey
        /// A read journal (SQLite) is gone, cut or damaged before all its reads joined the chain.
        case journal
    }

    /// The entry where the log stops being trustworthy; nil for a problem with keys as a whole.
    public var seq: Int64?
    public var kind: Kind
    /// What is wrong, in words (no entry content).
    public var explanation: String

    public init(seq: Int64?, kind: Kind, explanation: String) {
        self.seq = seq
        self.kind = kind
        self.explanation = explanation
    }

    /// `entry 1234: edited (its hash does not match its content)`.
    public var description: String {
        (seq.map { "entry \($0): " } ?? "") + explanation
    }
}

/// What `Store.verifyAudit` found.
public struct AuditVerification: Sendable, Hashable {
    /// Entries whose hash and link were checked.
    public var entries: Int64 = 0
    /// The last entry checked and its hash.
    public var lastSeq: Int64 = 0
    public var lastHash: String = AuditChain.genesis
    /// Checkpoints checked (the node's and a file's).
    public var checkpoints = 0
    /// The first problem, or nil when the log is intact.
    public var problem: AuditProblem?

    public var isIntact: Bool { problem == nil }
}
