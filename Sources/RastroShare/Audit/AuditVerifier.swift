public import RastroStore

/// Checks an audit log entry by entry, in `seq` order, without I/O: feed it every entry with
/// `check(_:)` and end with `finish()`; the first problem stops it. It recomputes each entry's hash
/// from its content and its stored previous hash, checks that the previous hash is the hash of the
/// entry before (the first entry's is 64 zeros), that numbers run 1, 2, 3 … without gaps, and that
/// every checkpoint is validly signed and states the hash of the entry it covers, which must exist.
public struct AuditVerifier: Sendable {
    /// A checkpoint to check, with the key it must be signed by and where it came from.
    public struct Claim: Sendable, Hashable {
        public var checkpoint: AuditCheckpoint
        /// The trusted public key (base64); nil when none is known, which is itself a problem.
        public var key: String?
        /// Where it came from, for messages: `the node's checkpoint`, `the file's checkpoint`.
        public var source: String

        public init(_ checkpoint: AuditCheckpoint, key: String?, source: String) {
            self.checkpoint = checkpoint
            self.key = key
            self.source = source
        }
    }

    private var claims: [Claim]
    private var nextClaim = 0
    private var expected: Int64
    private var previousHash: String
    public private(set) var result = AuditVerification()

    /// A verifier of a whole log (`after` nil), or of the entries after a checkpointed entry whose
    /// hash is known to be good (`after`: its seq and hash).
    public init(claims: [Claim], after: (seq: Int64, hash: String)? = nil) {
        self.claims = claims.sorted { $0.checkpoint.seq < $1.checkpoint.seq }
        expected = (after?.seq ?? 0) + 1
        previousHash = after?.hash ?? AuditChain.genesis
        result.lastSeq = after?.seq ?? 0
        result.lastHash = previousHash
    }

    /// The next entry to check: the one after the last checked.
    public var nextSeq: Int64 { expected }

    /// Checks the next entry; returns the problem when there is one (then stop).
    public mutating func check(_ entry: AuditEntry) -> AuditProblem? {
        guard result.problem == nil else { return result.problem }
        if entry.seq != expected {
            let last = expected - 1
            let explanation = entry.seq > expected
                ? (expected == entry.seq - 1 ? "missing (deleted" : "missing (entries \(expected)–\(entry.seq - 1) deleted")
                    + (last > 0 ? ": the log jumps from entry \(last) to entry \(entry.seq))" : ": the log starts at entry \(entry.seq))")
                : "out of order (it comes after entry \(last))"
            return fail(AuditProblem(seq: expected, kind: .missing, explanation: explanation))
        }
        if let problem = claimsBefore(entry.seq) { return fail(problem) }
        if entry.previousHash != previousHash {
            return fail(AuditProblem(seq: entry.seq, kind: .brokenLink, explanation: entry.seq == 1
                ? "broken link (the first entry does not start the chain: entries before it were removed, or it was moved)"
                : "broken link (its previous hash is not entry \(entry.seq - 1)'s hash: entries were reordered, or entry \(entry.seq - 1) was rewritten)"))
        }
        if AuditChain.hash(of: entry) != entry.hash {
            return fail(AuditProblem(seq: entry.seq, kind: .edited, explanation: "edited (its hash does not match its content)"))
        }
        while nextClaim < claims.count, claims[nextClaim].checkpoint.seq == entry.seq {
            let claim = claims[nextClaim]
            nextClaim += 1
            result.checkpoints += 1
            if let problem = signatureProblem(claim) { return fail(problem) }
            if claim.checkpoint.hash != entry.hash {
                return fail(AuditProblem(seq: entry.seq, kind: .checkpointMismatch,
                                         explanation: "does not match \(claim.source) (signed at \(claim.checkpoint.at)): the log was rewritten up to here"))
            }
        }
        expected += 1
        previousHash = entry.hash
        result.entries += 1
        result.lastSeq = entry.seq
        result.lastHash = entry.hash
        return nil
    }

    /// Ends the check after the last entry; returns the problem when there is one.
    public mutating func finish() -> AuditProblem? {
        guard result.problem == nil else { return result.problem }
        if let problem = claimsBefore(.max) { return fail(problem) }
        return nil
    }

    /// Checkpoints for entries before `seq` that were not met: the entries they cover are gone.
    private mutating func claimsBefore(_ seq: Int64) -> AuditProblem? {
        while nextClaim < claims.count, claims[nextClaim].checkpoint.seq < seq {
            let claim = claims[nextClaim]
            nextClaim += 1
            result.checkpoints += 1
            if let problem = signatureProblem(claim) { return problem }
            let covered = claim.checkpoint.seq
            if covered < expected {
                return AuditProblem(seq: covered, kind: .checkpointMismatch,
                                    explanation: "\(claim.source) covers an entry that cannot exist (numbers start at 1)")
            }
            let last = expected - 1
            return AuditProblem(seq: expected, kind: .truncated, explanation: seq == .max
                ? "missing (\(last > 0 ? "the log ends at entry \(last)" : "the log is empty"), but \(claim.source) covers entries up to \(covered): truncated)"
                : "missing (\(claim.source) covers entries up to \(covered), which are gone)")
        }
        return nil
    }

    private func signatureProblem(_ claim: Claim) -> AuditProblem? {
        let checkpoint = claim.checkpoint
        guard let key = claim.key else {
            return AuditProblem(seq: checkpoint.seq, kind: .foreignKey,
                                explanation: "\(claim.source) cannot be checked: the node has no recorded audit key")
        }
        if checkpoint.isSigned(by: key) { return nil }
        if checkpoint.publicKey != key, checkpoint.isSigned(by: checkpoint.publicKey) {
            return AuditProblem(seq: checkpoint.seq, kind: .foreignKey, explanation: "\(claim.source) is signed by another key than the node's")
        }
        return AuditProblem(seq: checkpoint.seq, kind: .badSignature, explanation: "\(claim.source) has an invalid signature (forged or damaged)")
    }

    private mutating func fail(_ problem: AuditProblem) -> AuditProblem {
        result.problem = problem
        return problem
    }
}
