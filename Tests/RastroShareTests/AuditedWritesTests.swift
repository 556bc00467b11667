import Foundation
import RastroIngest
import RastroModel
import RastroShare
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// The store's writes append to the audit log in their own transactions.
@Suite struct AuditedWritesTests {
    @Test(arguments: TestBackend.all)
    func loadsAnalysesAndDecisionsAreLogged(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        try await test.store.executeForTests("DELETE FROM audit_log")   // start from an empty log: no `init` entry
        let report = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions())
            .run([Fixtures.packageRoot + "/Examples/small"])
        let loadID = try #require(report.loadID)
        try await test.store.writeAnalysis(AnalysisRun(runID: "run-1", startedAt: "2026-03-02T10:00:00Z", finishedAt: "2026-03-02T10:01:00Z",
                                                       actor: "ana", summary: "{}", findings: "{}", alerts: "[]", detail: "{}"))
        let left = Mention(kind: "transfers", id: "T-1", role: .to), right = Mention(kind: "transfers", id: "T-2", role: .to)
        let number = try await test.store.recordDecision(.split, left, right, actor: "luis", note: "two plants", revoking: [])
        #expect(try await test.store.revokeDecision(number, actor: "ana"))
        #expect(try await !test.store.revokeDecision(number, actor: "ana"), "nothing to revoke: nothing logged")
        let entries = try await test.store.auditEntries()
        await test.dispose()
        #expect(entries.map(\.event.action) == ["load", "analyze", "resolution.split", "resolution.revoke"])
        #expect(entries.map(\.event.actor) == ["MX-TEST", "ana", "luis", "ana"])
        #expect(entries.allSatisfy { $0.event.organization == "MX-TEST" })
        #expect(entries[0].event.objects == ["load/\(loadID)"])
        #expect(entries[0].event.detail.contains("consignments.csv consignments rows_read=31 inserted=31"))
        #expect(entries[1].event.objects == ["analysis/run-1"])
        #expect(entries[2].event.objects == ["decision/\(number)"])
        #expect(entries[2].event.detail == "transfers:T-1:to transfers:T-2:to")
    }

    @Test(arguments: TestBackend.all)
    func aRolledBackWriteLeavesNoEntry(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        try await test.store.executeForTests("DELETE FROM audit_log")   // start from an empty log: no `init` entry
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await test.store.withAuditedTransaction([AuditEvent(actor: "ana", organization: "MX-TEST", action: "read")]) { throw Stop() }
        }
        let load = try await test.store.beginLoad(actor: "MX-TEST")
        await load.rollback()
        let entries = try await test.store.auditEntries()
        await test.dispose()
        #expect(entries.isEmpty)
    }

    @Test(arguments: TestBackend.all)
    func anAuditedReadCommitsItsEntryWithTheRead(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([Fixtures.packageRoot + "/Examples/small"])
        let viewer = test.settings.viewer
        let before = try #require(try await test.store.latestAuditEntry()).seq
        let read = { (id: String) in
            try await test.store.withAuditedRead({ try await test.store.versions(of: .organizations, id: id, viewer: viewer) }, audit: { found in
                found.isEmpty ? [] : [AuditEvent(viewer, "read", objects: ["organizations/" + id], detail: "show")]
            })
        }
        #expect(try await !read("MX-SEMAR").isEmpty)
        #expect(try await read("ORG-NONE").isEmpty)
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            _ = try await test.store.withAuditedRead({ () async throws -> Int in throw Stop() }, audit: { _ in [AuditEvent(viewer, "read")] })
        }
        let entries = try await test.store.auditEntries(from: before + 1)
        #expect(entries.map(\.event.objects) == [["organizations/MX-SEMAR"]], "one entry: the found record's")
        #expect(try await test.store.verifyAudit().isIntact)
        await test.dispose()
    }

    /// Migrations 0012 and 0014 on an older SQLite store: 0012 re-keys the log by rowid, 0014
    /// moves it and its checkpoints into the audit file. Every entry comes through unchanged and
    /// the chain still verifies.
    @Test func theRowidAndAuditFileMigrationsKeepTheChain() async throws {
        let test = try await TestStore.make(.sqlite)
        let store = test.store
        for number in 1...5 { try await store.audit([AuditEvent(actor: "ana", organization: "MX-TEST", action: "read", objects: ["x/\(number)"])]) }
        let entries = try await store.auditEntries()
        // The log as migration 0005 made it, in the database file, with the same rows; neither 0012
        // nor 0014 applied yet.
        try await store.executeForTests("""
            CREATE TABLE main.audit_log (seq BIGINT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, org_id TEXT NOT NULL,
                action TEXT NOT NULL, objects TEXT NOT NULL, detail TEXT NOT NULL, previous_hash TEXT NOT NULL, hash TEXT NOT NULL);
            INSERT INTO main.audit_log SELECT * FROM audit.audit_log;
            CREATE TABLE main.audit_checkpoints (seq BIGINT PRIMARY KEY, hash TEXT NOT NULL, at TEXT NOT NULL,
                node_org TEXT NOT NULL, public_key TEXT NOT NULL, signature TEXT NOT NULL);
            DROP TABLE audit.audit_log;
            DROP TABLE audit.audit_checkpoints;
            DROP TABLE audit.audit_outbox_mark;
            DROP TABLE main.audit_outbox;
            DELETE FROM schema_migrations WHERE version IN (12, 14);
            """)
        #expect(try await store.queryForTests("SELECT sql FROM main.sqlite_master WHERE name = 'audit_log'")[0].values[0].text?
            .contains("BIGINT") == true)
        try await store.migrate()
        #expect(try await store.queryForTests("SELECT COUNT(*) FROM main.sqlite_master WHERE name LIKE 'audit_log%' OR name = 'audit_checkpoints'")[0]
            .values[0].integer == 0, "nothing of the log is left in the database file")
        let schema = try await store.queryForTests("SELECT sql FROM audit.sqlite_master WHERE name = 'audit_log'")[0].values[0].text ?? ""
        #expect(schema.contains("seq INTEGER PRIMARY KEY"))
        #expect(try await store.queryForTests("SELECT COUNT(*) FROM audit.sqlite_master WHERE tbl_name = 'audit_log' AND type = 'index'")[0]
            .values[0].integer == 0, "no second b-tree")
        #expect(try await store.auditEntries() == entries)
        try await store.audit([AuditEvent(actor: "ana", organization: "MX-TEST", action: "read", objects: ["x/6"])])
        #expect(try await store.verifyAudit().isIntact)
        #expect(try await store.latestAuditEntry()?.seq == entries.last.map { $0.seq + 1 })
        await test.dispose()
    }
}
