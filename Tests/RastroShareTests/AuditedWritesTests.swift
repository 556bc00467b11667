import Foundation
import RastroIngest
import RastroModel
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
}
