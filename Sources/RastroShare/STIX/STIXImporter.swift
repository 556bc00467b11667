import Foundation
import RastroModel
public import RastroStore
import RastroIngest

/// Loads STIX 2.1 objects into the store (docs/stix.md): Rastro's own objects become the records
/// they were made from, with their markings, releasability and originator; common objects of
/// other tools become records where the contract has a kind for them (incidents, sightings of a
/// place); a lead's report becomes a received lead and its recipient's notes steps of this node's
/// own lead. Everything else is counted as skipped, with the reason.
///
/// All the records of one call go in one atomic load, after every object was read and validated:
/// a bad object fails the call with `source:line: column: reason` and nothing is written. Loading
/// the same objects again changes nothing.
public struct STIXImporter: Sendable {
    public let store: Store
    public let settings: NodeSettings
    public let actor: String
    /// The originator of objects that name no creator (`created_by_ref`): the partner organization
    /// they came from. Nil: this node's own organization (a file the node's operator ingests).
    public var defaultOriginator: String?

    public init(store: Store, settings: NodeSettings, actor: String) {
        self.store = store
        self.settings = settings
        self.actor = actor
    }

    /// Loads these STIX objects (each one JSON object's bytes) as one atomic load; `source` names where they came from (e.g. "taxii:https://host/api1/collections/ID"). Returns counts (loaded, unchanged, skipped with reasons).
    public func importObjects(_ objects: [[UInt8]], source: String) async throws -> STIXImportReport {
        var decoded: [STIXSourceObject] = []
        var problems: [String] = []
        for (index, bytes) in objects.enumerated() {
            do {
                decoded.append(try STIXSourceObject(bytes: bytes, source: source, line: index + 1, column: 1))
            } catch {
                problems.append(error.description)
            }
        }
        return try await load(decoded, problems: problems)
    }

    /// Loads the bundles in these files as one atomic load (what `rastro ingest` does with `.json`
    /// files whose top-level type is `bundle`).
    public func importBundles(_ paths: [String]) async throws -> STIXImportReport {
        var decoded: [STIXSourceObject] = []
        var problems: [String] = []
        for path in paths {
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw ShareError(.stixInput, "\(path): cannot read the file", detail: "\(error)")
            }
            let bundle: STIXJSONScanner.Bundle
            do {
                bundle = try STIXJSONScanner.scanBundle(bytes)
            } catch {
                let (line, column) = STIXJSONScanner.lineColumn(bytes, error.offset)
                problems.append("\(path):\(line): column \(column): \(error.reason)")
                continue
            }
            guard bundle.type == "bundle" else {
                problems.append("\(path):1: type: not a STIX bundle (its top-level type is \(bundle.type.map { "\"\($0)\"" } ?? "missing"))")
                continue
            }
            for range in bundle.objects {
                let (line, column) = STIXJSONScanner.lineColumn(bytes, range.lowerBound)
                do {
                    decoded.append(try STIXSourceObject(bytes: Array(bytes[range]), source: path, line: line, column: column))
                } catch {
                    problems.append(error.description)
                }
            }
        }
        return try await load(decoded, problems: problems)
    }

    /// True when the file is JSON whose top-level `type` is `bundle`.
    public static func isBundle(path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path),
              let bundle = try? STIXJSONScanner.scanBundle(Array(data)) else { return false }
        return bundle.type == "bundle"
    }

    private func load(_ objects: [STIXSourceObject], problems: [String]) async throws -> STIXImportReport {
        var report = STIXImportReport()
        report.objects = objects.count + problems.count
        var plan = STIXImportPlan(settings: settings)
        plan.defaultOriginator = defaultOriginator
        plan.read(objects)
        let allProblems = problems + plan.problems
        guard allProblems.isEmpty else {
            let shown = allProblems.prefix(50).joined(separator: "\n")
            throw ShareError(.stixInput, shown + (allProblems.count > 50 ? "\n… and \(allProblems.count - 50) more problems" : "")
                             + "\nnothing was written")
        }
        var held = Set<String>()
        let copies = plan.records.values.flatMap { $0 }.filter {
            plan.redacted.contains($0.kind.rawValue + "/" + $0.id) || $0.marking.originator == settings.organization
        }
        if !copies.isEmpty {
            let found = try await store.markings(of: copies.map { Findings.EvidenceRef(kind: $0.kind.rawValue, id: $0.id) },
                                                 viewer: settings.processingViewer)
            held = Set(found.keys.map { $0.kind + "/" + $0.id })
        }
        plan.leaveOut(held: held)
        report.skipped = plan.skipped
        if !plan.records.isEmpty {
            let load = try await store.beginLoad(actor: actor)
            report.loadID = load.loadID
            do {
                for (file, kind) in plan.files {
                    let records = plan.records[STIXImportPlan.FileKey(file: file, kind: kind)] ?? []
                    let counts = try await load.loadFile(SourceFile(path: file, kind: kind, format: "stix")) { sink in
                        for record in records { try await sink.write(record) }
                        return FileDecision(keep: true, rowsRead: records.count, rejected: 0)
                    }
                    report.inserted += counts.inserted
                    report.versioned += counts.versioned
                    report.unchanged += counts.unchanged
                }
                try await load.commit(summary: "{\"stix\":{\"objects\":\(report.objects),\"inserted\":\(report.inserted),\"versioned\":\(report.versioned),\"unchanged\":\(report.unchanged)}}")
            } catch {
                await load.rollback()
                throw error
            }
        }
        try await STIXLeadImport(store: store, settings: settings).apply(plan, report: &report)
        return report
    }
}
