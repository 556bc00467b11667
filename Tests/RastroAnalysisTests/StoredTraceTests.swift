import Foundation
import RastroAnalysis
import RastroModel
import RastroStore
import RastroTesting
import Testing

/// Custody traces stored with an analysis run: what goes in comes back, on both backends, and the
/// benchmark's recursive SQL walk finds the same steps.
@Suite struct StoredTraceTests {
    /// An importer's lot sold on twice, one buyer passing part on, plus a step on another day that
    /// only a date-ordered walk reaches; and a second lot with no steps.
    static let traces = [
        CustodyTraceRow(consignmentID: "C-1", runID: "", importer: "E-IMP", chemical: "39742-60-4", arrivalDate: "2026-02-01",
                        importedKg: 100, unaccountedKg: 12.5, holdings: #"{"E-B":12.5,"E-C \"quoted\"":5.0}"#,
                        steps: [CustodyStepRow(seq: 0, transferID: "T-1", date: "2026-02-03", fromEntity: "E-IMP", toEntity: "E-A",
                                               quantityKg: 40, transferKg: 40, allocation: "exact", depth: 1),
                                CustodyStepRow(seq: 1, transferID: "T-2", date: "2026-02-05", fromEntity: "E-IMP", toEntity: "E-B",
                                               quantityKg: 30, transferKg: 50, allocation: "fifo", depth: 1),
                                CustodyStepRow(seq: 2, transferID: "T-3", date: "2026-02-05", fromEntity: "E-A", toEntity: "E-C \"quoted\"",
                                               quantityKg: 5, transferKg: 5, allocation: "fifo", depth: 2),
                                CustodyStepRow(seq: 3, transferID: "T-4", date: "2026-03-01", fromEntity: "E-B", toEntity: "E-A",
                                               quantityKg: 17.5, transferKg: 20, allocation: "matched", depth: 2)]),
        CustodyTraceRow(consignmentID: "C-2", runID: "", importer: "E-IMP", chemical: "94-59-7", arrivalDate: "2026-04-01",
                        importedKg: 10, unaccountedKg: 0, holdings: "{}", steps: []),
    ]

    static func run(_ id: String) -> AnalysisRun {
        AnalysisRun(runID: id, startedAt: "2026-05-01T00:00:00Z", finishedAt: "2026-05-01T00:00:10Z", actor: "test", summary: "{}",
                    findings: "{}", alerts: "[]", detail: "{}")
    }

    @Test(arguments: TestBackend.all)
    func tracesRoundTripAndTheRecursiveWalkAgrees(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        try await test.store.writeAnalysis(Self.run("run-1"), traces: Self.traces)
        let stored = try #require(try await test.store.storedTrace("C-1"))
        var expected = Self.traces[0]
        expected.runID = "run-1"
        #expect(stored == expected)
        #expect(try await test.store.recursiveTraceSteps("C-1") == stored.steps)
        #expect(try await test.store.storedTrace("C-2")?.steps == [])
        #expect(try await test.store.recursiveTraceSteps("C-2") == [])
        #expect(try await test.store.storedTrace("C-NOPE") == nil)
        #expect(try await test.store.storedTraceIDs() == ["C-1", "C-2"])
        // Back to a value, holdings included (keys with quotes survive the JSON).
        let trace = try #require(CustodyTrace(stored))
        #expect(trace.holdings == ["E-B": 12.5, "E-C \"quoted\"": 5])
        #expect(trace.steps.map(\.allocation) == [.exact, .fifo, .fifo, .matched])
        #expect(trace.row(runID: "run-1") == stored)

        // The next run replaces the traces whole.
        try await test.store.writeAnalysis(Self.run("run-2"), traces: [Self.traces[1]])
        #expect(try await test.store.storedTrace("C-1") == nil)
        #expect(try await test.store.storedTrace("C-2")?.runID == "run-2")
    }
}
