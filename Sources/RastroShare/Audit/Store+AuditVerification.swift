public import RastroStore

extension Store {
    /// Verifies the whole audit log (see `AuditVerifier`), streaming it `pageSize` entries at a
    /// time, against the node's checkpoints and, when given, a partner's checkpoint file.
    /// `trustedKey` is the public key (base64) checkpoints must be signed by: the signing key's,
    /// or one pinned by whoever verifies; nil trusts the key the node recorded (node setting
    /// `audit_public_key`), which anyone who can edit the database could replace.
    public func verifyAudit(trustedKey: String? = nil, checkpointFile: AuditCheckpointFile? = nil,
                            pageSize: Int = 10_000) async throws -> AuditVerification {
        let recorded = try await auditPublicKey()
        let key = trustedKey ?? recorded
        var failed = AuditVerification()
        if let trustedKey, let recorded, trustedKey != recorded {
            failed.problem = AuditProblem(seq: nil, kind: .foreignKey,
                                          explanation: "the node's recorded audit key (node setting audit_public_key) is not the trusted key: "
                                                       + "a wrong --public-key or key file, or the setting was replaced")
            return failed
        }
        var claims = try await auditCheckpoints().map { AuditVerifier.Claim($0, key: key, source: "the node's checkpoint") }
        if let checkpointFile {
            guard checkpointFile.publicKey == key else {
                failed.problem = AuditProblem(seq: nil, kind: .foreignKey, explanation: key == nil
                    ? "the checkpoint file's key cannot be checked: the node has no recorded audit key"
                    : "the checkpoint file is signed by another key than the node's")
                return failed
            }
            claims += checkpointFile.auditCheckpoints.map { AuditVerifier.Claim($0, key: checkpointFile.publicKey, source: "the file's checkpoint") }
        }
        var verifier = AuditVerifier(claims: claims)
        try await walk(&verifier, through: nil, pageSize: pageSize)
        _ = verifier.finish()
        var result = verifier.result
        // The read journals: reads logged but lost before they joined the chain.
        if result.problem == nil, let journal = try await auditJournalProblems().first {
            result.problem = AuditProblem(seq: nil, kind: .journal, explanation: journal)
        }
        return result
    }

    /// Signs a checkpoint of the newest audit entry with `key` and stores it; nil when there is no
    /// entry since the last checkpoint. Records `key` as the node's audit key the first time, and
    /// refuses any other key afterwards. Before signing it checks the entries since the last
    /// checkpoint (the whole log the first time), so that a tampered log is never signed; that
    /// keeps it cheap enough to run after every ingest and analysis.
    @discardableResult
    public func checkpointAudit(with key: AuditSigningKey, pageSize: Int = 10_000) async throws -> AuditCheckpoint? {
        let settings = try await settings()
        let recorded = try await recordAuditPublicKey(key.publicKey)
        guard recorded == key.publicKey else {
            throw ShareError(.keyMismatch, "the signing key \(key.path) is not the key this node signs its audit log with "
                                           + "(node setting audit_public_key); use the key file the node was set up with")
        }
        guard let last = try await latestAuditEntry() else { return nil }
        let previous = try await latestAuditCheckpoint()
        if let previous, previous.seq >= last.seq { return nil }
        var verifier: AuditVerifier
        if let previous {
            guard previous.isSigned(by: key.publicKey) else {
                throw ShareError(.auditBroken, "the audit log's last checkpoint (entry \(previous.seq)) is not signed by the node's key; "
                                               + "nothing was signed: run `rastro audit verify`")
            }
            guard let covered = try await auditEntry(previous.seq), covered.hash == previous.hash,
                  AuditChain.hash(of: covered) == covered.hash else {
                throw ShareError(.auditBroken, "audit entry \(previous.seq) no longer matches its checkpoint; nothing was signed: "
                                               + "run `rastro audit verify`")
            }
            verifier = AuditVerifier(claims: [], after: (previous.seq, previous.hash))
        } else {
            verifier = AuditVerifier(claims: [])
        }
        try await walk(&verifier, through: last.seq, pageSize: pageSize)
        if let problem = verifier.result.problem {
            throw ShareError(.auditBroken, "the audit log fails verification (\(problem)); nothing was signed: run `rastro audit verify`")
        }
        guard verifier.result.lastSeq == last.seq else {
            throw ShareError(.auditBroken, "audit entry \(last.seq) was not reached; nothing was signed: run `rastro audit verify`")
        }
        let checkpoint = try AuditCheckpoint.signed(nodeOrganization: settings.organization, seq: last.seq, hash: last.hash, key: key)
        do {
            try await addAuditCheckpoint(checkpoint)
        } catch let error as StoreError where error.code == .conflict {
            return nil  // another process checkpointed the same entry meanwhile
        }
        return checkpoint
    }

    /// Feeds entries from `verifier.nextSeq` (through `through`, or to the end) to `verifier`, a
    /// page at a time, until it finds a problem.
    private func walk(_ verifier: inout AuditVerifier, through: Int64?, pageSize: Int) async throws {
        var from = verifier.nextSeq
        while true {
            let limit = through.map { Int(min(Int64(max(1, pageSize)), max(0, $0 - from + 1))) } ?? max(1, pageSize)
            guard limit > 0 else { return }
            let page = try await auditEntries(from: from, limit: limit)
            for entry in page {
                if verifier.check(entry) != nil { return }
            }
            guard page.count == limit, let last = page.last else { return }
            from = last.seq + 1
        }
    }
}
