import Foundation
public import RastroAnalysis
public import RastroModel
public import RastroStore

/// One consignment's custody trace, for `rastro trace` and the workbench.
public enum ConsignmentTrace {
    /// The last analysis's trace, when that analysis is newer than every load and resolution (the
    /// node's view only: another organization's trace is rebuilt from what it may see).
    public static func stored(_ consignment: String, in store: Store) async throws -> (CustodyTrace, (runID: String, finishedAt: String))? {
        guard let run = try await store.latestAnalysisStamp() else { return nil }
        if let load = try await store.lastLoadFinished(), load >= run.finishedAt { return nil }
        if let resolved = try await store.resolutionRuns(limit: 1).first, resolved.finishedAt > run.finishedAt { return nil }
        guard let row = try await store.storedTrace(consignment), row.runID == run.runID, let trace = CustodyTrace(row) else { return nil }
        return (trace, run)
    }

    /// Builds the trace from the records the viewer may see: that consignment's chemical only.
    public static func recompute(_ consignment: String, in store: Store, viewer: Viewer, entities: [Mention: String]) async throws -> CustodyTrace? {
        func all<T>(_ kind: Kind, _ make: (Record) throws -> T) async throws -> [T] {
            var out: [T] = []
            var after = ""
            while true {
                let page = try await store.currentRecords(kind, viewer: viewer, limit: 20_000, after: after)
                out += page.compactMap { try? make($0) }
                guard page.count == 20_000, let last = page.last else { return out }
                after = last.id
            }
        }
        let consignments = try await all(.consignments, Consignment.init)
        guard let target = consignments.first(where: { $0.consignmentID == consignment }) else { return nil }
        let key = MassBalance.chemicalKey(target.chemical)
        let transfers = try await all(.transfers, Transfer.init).filter { MassBalance.chemicalKey($0.chemical) == key }
        let reports = try await all(.usageReports, UsageReport.init).filter { MassBalance.chemicalKey($0.chemical) == key }
        let graph = CustodyGraph.build(consignments: consignments.filter { MassBalance.chemicalKey($0.chemical) == key },
                                       transfers: transfers, usageReports: reports, entityOf: { entities[$0] })
        return graph.trace(consignment)
    }
}
