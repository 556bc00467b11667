import Foundation
import RastroShare
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// The node's signing key and the checkpoints it signs.
@Suite struct AuditCheckpointTests {
    @Test func theKeyFileIsCreatedPrivateAndReadBack() throws {
        let path = try Fixtures.folder([:]) + "/node.key"
        #expect(try AuditSigningKey.load(path: path) == nil)
        let created = try AuditSigningKey.loadOrCreate(path: path)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0, "only the owner may read the key")
        #expect(try AuditSigningKey.loadOrCreate(path: path).publicKey == created.publicKey)
        #expect(Data(base64Encoded: created.publicKey)?.count == 32)
        // A key others may read is refused.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let exposed = #expect(throws: ShareError.self) { try AuditSigningKey.load(path: path) }
        #expect(exposed?.description.contains("readable by others") == true)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try AuditSigningKey.load(path: path)?.publicKey == created.publicKey)
        try "not a key\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let malformed = #expect(throws: ShareError.self) { try AuditSigningKey.load(path: path) }
        #expect(malformed?.description.contains("not a rastro signing key") == true)
    }

    @Test func theDefaultKeySitsBesideAnSQLiteFile() throws {
        #expect(AuditSigningKey.defaultPath(for: try DatabaseURL(parsing: "sqlite:/data/rastro.db")) == "/data/rastro.db.key")
        #expect(AuditSigningKey.defaultPath(for: try DatabaseURL(parsing: "postgres://rastro@db:5432/rastro")) == nil)
    }

    @Test func aSignatureCoversEveryFieldOfTheMessage() throws {
        let key = AuditSigningKey.ephemeral()
        let checkpoint = try AuditCheckpoint.signed(nodeOrganization: "MX-SAT", seq: 42, hash: String(repeating: "b", count: 64),
                                                    at: "2026-03-02T10:00:00.000Z", key: key)
        #expect(checkpoint.isSigned(by: key.publicKey))
        #expect(!checkpoint.isSigned(by: AuditSigningKey.ephemeral().publicKey))
        for change in [\AuditCheckpoint.nodeOrganization, \.hash, \.at] {
            var changed = checkpoint
            changed[keyPath: change] += "0"
            #expect(!changed.isSigned(by: key.publicKey))
        }
        var moved = checkpoint
        moved.seq = 41
        #expect(!moved.isSigned(by: key.publicKey))
        #expect(String(decoding: AuditCheckpoint.message(nodeOrganization: "MX", seq: 7, hash: "ab", at: "t"), as: UTF8.self)
                == "rastro-audit-checkpoint/12:MX,1:7,2:ab,1:t,")
    }

    @Test(arguments: TestBackend.all)
    func theNodeRefusesToSignWithAnotherKey(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        try await test.store.executeForTests("DELETE FROM audit_log")   // start from an empty log: no `init` entry
        let key = AuditSigningKey.ephemeral()
        #expect(try await test.store.checkpointAudit(with: key) == nil, "an empty log has nothing to sign")
        #expect(try await test.store.auditPublicKey() == key.publicKey, "the first key is recorded")
        try await test.store.audit([AuditEvent(actor: "ana", organization: "MX-TEST", action: "read")])
        let error = await #expect(throws: ShareError.self) { try await test.store.checkpointAudit(with: .ephemeral()) }
        #expect(error?.code == .keyMismatch)
        #expect(try await test.store.auditCheckpoints().isEmpty)
        #expect(try await test.store.checkpointAudit(with: key)?.seq == 1)
        await test.dispose()
    }

    @Test(arguments: TestBackend.all)
    func aTamperedLogIsNeverSigned(_ backend: TestBackend) async throws {
        let (test, key) = try await AuditVerifierTests.logged(backend)
        try await test.store.audit([AuditVerifierTests.event(7)])
        try await AuditVerifierTests.Mutation.editAField.apply(to: test.store, key: key)
        // Entry 3 is before the last checkpoint: the incremental check does not read it again.
        #expect(try await test.store.checkpointAudit(with: key)?.seq == 7)
        try await test.store.audit([AuditVerifierTests.event(8)])
        try await test.store.executeForTests("UPDATE audit_log SET detail = 'changed' WHERE seq = 8")
        let error = await #expect(throws: ShareError.self) { try await test.store.checkpointAudit(with: key) }
        #expect(error?.code == .auditBroken)
        #expect(error?.description.contains("entry 8: edited") == true)
        await test.dispose()
    }
}
