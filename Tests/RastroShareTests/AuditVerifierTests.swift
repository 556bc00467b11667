import Foundation
import RastroShare
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// The audit chain on both backends, and every kind of tampering with it: each is found, at the
/// right entry and as the right kind of problem.
@Suite struct AuditVerifierTests {
    /// A store with six audit entries and a checkpoint of the sixth, signed by `key`.
    static func logged(_ backend: TestBackend) async throws -> (TestStore, AuditSigningKey) {
        let test = try await TestStore.make(backend)
        try await test.store.executeForTests("DELETE FROM audit_log")   // start from an empty log: no `init` entry
        let key = AuditSigningKey.ephemeral()
        try await test.store.audit((1...4).map { event($0) })
        try await test.store.withAuditedTransaction([event(5)]) {}
        try await test.store.audit([event(6)])
        #expect(try await test.store.checkpointAudit(with: key)?.seq == 6)
        return (test, key)
    }

    static func event(_ number: Int) -> AuditEvent {
        AuditEvent(actor: "ana", organization: "MX-TEST", action: "read", objects: ["consignments/C-\(number)", "lot/\(number)"],
                   detail: "entry \(number), with: commas, 12:colons\nand a line")
    }

    @Test(arguments: TestBackend.all)
    func anIntactChainVerifiesAcrossPages(_ backend: TestBackend) async throws {
        let (test, key) = try await Self.logged(backend)
        let entries = try await test.store.auditEntries()
        #expect(entries.map(\.seq) == Array(1...6))
        #expect(entries.first?.previousHash == AuditChain.genesis)
        #expect(entries.first?.event == Self.event(1))
        for (earlier, later) in zip(entries, entries.dropFirst()) { #expect(later.previousHash == earlier.hash) }
        for page in [1, 2, 4, 10_000] {
            let result = try await test.store.verifyAudit(trustedKey: key.publicKey, pageSize: page)
            #expect(result.isIntact, "\(String(describing: result.problem))")
            #expect(result.entries == 6 && result.lastSeq == 6 && result.checkpoints == 1 && result.lastHash == entries.last?.hash)
        }
        #expect(try await test.store.checkpointAudit(with: key) == nil, "nothing new to sign")
        try await test.store.audit([Self.event(7)])
        #expect(try await test.store.checkpointAudit(with: key)?.seq == 7)
        #expect(try await test.store.verifyAudit(trustedKey: key.publicKey).checkpoints == 2)
        #expect(try await test.store.auditPublicKey() == key.publicKey)
        await test.dispose()
    }

    /// What an attacker with write access to the database does.
    enum Mutation: String, CaseIterable, CustomTestStringConvertible {
        case editAField, editAndRehash, rewriteTheRestOfTheChain, deleteAMiddleEntry, deleteTheFirstEntry, truncateBelowACheckpoint,
             swapTwoEntries, editAPreviousHash, forgeACheckpointWithAnotherKey, forgeASignatureUnderTheNodesKey,
             signAWrongHashWithTheNodesKey, replaceTheRecordedKeyAndResign

        var testDescription: String { rawValue }

        var expected: (seq: Int64?, kind: AuditProblem.Kind) {
            switch self {
            case .editAField: (3, .edited)
            case .editAndRehash: (4, .brokenLink)
            case .rewriteTheRestOfTheChain: (6, .checkpointMismatch)
            case .deleteAMiddleEntry: (3, .missing)
            case .deleteTheFirstEntry: (1, .missing)
            case .truncateBelowACheckpoint: (5, .truncated)
            case .swapTwoEntries: (3, .brokenLink)
            case .editAPreviousHash: (2, .brokenLink)
            case .forgeACheckpointWithAnotherKey: (6, .foreignKey)
            case .forgeASignatureUnderTheNodesKey: (6, .badSignature)
            case .signAWrongHashWithTheNodesKey: (3, .checkpointMismatch)
            case .replaceTheRecordedKeyAndResign: (nil, .foreignKey)
            }
        }

        func apply(to store: Store, key: AuditSigningKey) async throws {
            switch self {
            case .editAField:
                try await store.executeForTests("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
            case .editAndRehash:
                try await AuditVerifierTests.rewrite(store, from: 3, through: 3)
            case .rewriteTheRestOfTheChain:
                try await AuditVerifierTests.rewrite(store, from: 3, through: 6)
            case .deleteAMiddleEntry:
                try await store.executeForTests("DELETE FROM audit_log WHERE seq = 3")
            case .deleteTheFirstEntry:
                try await store.executeForTests("DELETE FROM audit_log WHERE seq = 1")
            case .truncateBelowACheckpoint:
                try await store.executeForTests("DELETE FROM audit_log WHERE seq >= 5")
            case .swapTwoEntries:
                try await store.executeForTests("UPDATE audit_log SET seq = -1 WHERE seq = 3")
                try await store.executeForTests("UPDATE audit_log SET seq = 3 WHERE seq = 4")
                try await store.executeForTests("UPDATE audit_log SET seq = 4 WHERE seq = -1")
            case .editAPreviousHash:
                try await store.executeForTests("UPDATE audit_log SET previous_hash = '\(String(repeating: "1", count: 64))' WHERE seq = 2")
            case .forgeACheckpointWithAnotherKey, .forgeASignatureUnderTheNodesKey:
                let entry = try #require(try await store.auditEntry(6))
                var forged = try AuditCheckpoint.signed(nodeOrganization: "MX-TEST", seq: 6, hash: entry.hash, key: .ephemeral())
                if self == .forgeASignatureUnderTheNodesKey { forged.publicKey = key.publicKey }
                try await store.executeForTests("DELETE FROM audit_checkpoints")
                try await store.addAuditCheckpoint(forged)
            case .signAWrongHashWithTheNodesKey:
                try await store.addAuditCheckpoint(try AuditCheckpoint.signed(nodeOrganization: "MX-TEST", seq: 3,
                                                                              hash: String(repeating: "a", count: 64), key: key))
            case .replaceTheRecordedKeyAndResign:
                let attacker = AuditSigningKey.ephemeral()
                try await store.executeForTests("DELETE FROM node_settings WHERE key = 'audit_public_key'")
                try await store.executeForTests("DELETE FROM audit_checkpoints")
                try await store.checkpointAudit(with: attacker)
            }
        }
    }

    @Test(arguments: TestBackend.all, Mutation.allCases)
    func everyMutationIsFoundWhereItHappened(_ backend: TestBackend, _ mutation: Mutation) async throws {
        let (test, key) = try await Self.logged(backend)
        try await mutation.apply(to: test.store, key: key)
        let result = try await test.store.verifyAudit(trustedKey: key.publicKey, pageSize: 2)
        await test.dispose()
        let problem = try #require(result.problem, "\(mutation) went unnoticed")
        #expect(problem.seq == mutation.expected.seq, "\(problem)")
        #expect(problem.kind == mutation.expected.kind, "\(problem)")
        #expect(!result.isIntact)
    }

    @Test(arguments: TestBackend.all)
    func messagesNameTheEntry(_ backend: TestBackend) async throws {
        let (test, key) = try await Self.logged(backend)
        try await Mutation.editAField.apply(to: test.store, key: key)
        let problem = try await test.store.verifyAudit(trustedKey: key.publicKey).problem
        await test.dispose()
        #expect(problem?.description == "entry 3: edited (its hash does not match its content)")
        #expect(problem?.description.contains("mallory") == false, "no entry content in messages")
    }

    /// Deleting the node's checkpoints and the end of the log leaves a shorter chain that is
    /// intact in itself: only a checkpoint file held elsewhere shows it was cut.
    @Test(arguments: TestBackend.all)
    func anExportedCheckpointFileFindsTruncationAfterTheCheckpointsAreGone(_ backend: TestBackend) async throws {
        let (test, key) = try await Self.logged(backend)
        let file = AuditCheckpointFile(node: "MX-TEST", publicKey: key.publicKey, checkpoints: try await test.store.auditCheckpoints())
        let decoded = try JSONDecoder().decode(AuditCheckpointFile.self, from: try file.encoded())
        #expect(decoded == file)
        #expect(try await test.store.verifyAudit(trustedKey: key.publicKey, checkpointFile: decoded).checkpoints == 2)
        try await test.store.executeForTests("DELETE FROM audit_checkpoints")
        try await test.store.executeForTests("DELETE FROM audit_log WHERE seq >= 5")
        #expect(try await test.store.verifyAudit(trustedKey: key.publicKey).isIntact, "undetectable without the file")
        let problem = try await test.store.verifyAudit(trustedKey: key.publicKey, checkpointFile: decoded).problem
        #expect(problem?.seq == 5 && problem?.kind == .truncated, "\(String(describing: problem))")
        #expect(problem?.description == "entry 5: missing (the log ends at entry 4, but the file's checkpoint covers entries up to 6: truncated)")
        // A file signed by another key is refused as a whole.
        let other = AuditCheckpointFile(node: "MX-TEST", publicKey: AuditSigningKey.ephemeral().publicKey, checkpoints: [])
        #expect(try await test.store.verifyAudit(trustedKey: key.publicKey, checkpointFile: other).problem?.kind == .foreignKey)
        await test.dispose()
    }

    /// An operator who holds the key can rewrite the log and sign it again; the file a partner
    /// took earlier still contradicts it.
    @Test(arguments: TestBackend.all)
    func aRewrittenAndResignedLogContradictsAnEarlierFile(_ backend: TestBackend) async throws {
        let (test, key) = try await Self.logged(backend)
        let file = AuditCheckpointFile(node: "MX-TEST", publicKey: key.publicKey, checkpoints: try await test.store.auditCheckpoints())
        try await Self.rewrite(test.store, from: 2, through: 6)
        try await test.store.executeForTests("DELETE FROM audit_checkpoints")
        try await test.store.checkpointAudit(with: key)
        #expect(try await test.store.verifyAudit(trustedKey: key.publicKey).isIntact)
        let problem = try await test.store.verifyAudit(trustedKey: key.publicKey, checkpointFile: file).problem
        await test.dispose()
        #expect(problem?.seq == 6 && problem?.kind == .checkpointMismatch, "\(String(describing: problem))")
    }

    /// Changes the actor of entries `from`…`through` and recomputes their hashes and links, as an
    /// attacker who knows the encoding would.
    static func rewrite(_ store: Store, from: Int64, through: Int64) async throws {
        var previous = try #require(try await store.auditEntry(from)).previousHash
        for seq in from...through {
            var entry = try #require(try await store.auditEntry(seq))
            entry.event.actor = "mallory"
            let hash = AuditChain.hash(previous: previous, seq: seq, at: entry.at, event: entry.event)
            try await store.executeForTests("""
                UPDATE audit_log SET actor = 'mallory', previous_hash = '\(previous)', hash = '\(hash)' WHERE seq = \(seq)
                """)
            previous = hash
        }
    }
}
