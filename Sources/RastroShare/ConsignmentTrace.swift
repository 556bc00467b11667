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
        guard let target = try await store.versions(of: .consignments, id: consignment, viewer: viewer).last(where: \.isCurrent)
                .flatMap({ try? Consignment($0.record) }) else { return nil }
        let key = MassBalance.chemicalKey(target.chemical)
        // A catalog chemical is found by its stored catalog CAS (`chemical_ref`) in SQL; any other
        // by its key, after reading every record.
        func same<T>(_ kind: Kind, _ make: (Record) throws -> T, _ chemical: (T) -> ChemicalDeclaration) async throws -> [T] {
            if let reference = target.chemical.catalogCAS {
                return try await store.currentRecords(kind, chemicalRef: reference, viewer: viewer).compactMap { try? make($0) }
            }
            return try await all(kind, make).filter { MassBalance.chemicalKey(chemical($0)) == key }
        }
        let consignments = try await same(.consignments, Consignment.init, \.chemical)
        let transfers = try await same(.transfers, Transfer.init, \.chemical)
        let reports = try await same(.usageReports, UsageReport.init, \.chemical)
        let graph = CustodyGraph.build(consignments: consignments, transfers: transfers, usageReports: reports, entityOf: { entities[$0] })
        return graph.trace(consignment)
    }
}
