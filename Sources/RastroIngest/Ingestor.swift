import Foundation
import RastroModel
public import RastroStore

/// Loads contract-v1 files into a store as one atomic load: every file is validated row by row
/// while it streams into its own savepoint; a file with a bad row is rolled back whole (unless
/// `skipInvalid`), the others are committed together.
public struct Ingestor: Sendable {
    public let store: Store
    public let settings: NodeSettings
    public let options: IngestOptions

    public init(store: Store, settings: NodeSettings, options: IngestOptions) {
        self.store = store
        self.settings = settings
        self.options = options
    }

    /// Loads `paths` (files and folders). Input problems are in the report, never thrown; thrown
    /// errors are usage errors (`IngestError` with code `.usage`) and store failures, after which
    /// nothing was written.
    public func run(_ paths: [String], progress: (@Sendable (IngestProgress) -> Void)? = nil) async throws -> IngestReport {
        let inputs = try InputFile.expand(paths, kind: options.kind)
        guard !inputs.isEmpty else { throw IngestError(.usage, file: paths.joined(separator: " "), reason: "no .csv, .ndjson or .jsonl files found") }
        let defaults = RowValidator.Defaults(tlp: options.tlp ?? settings.defaultTLP,
                                             originator: options.originator ?? settings.organization,
                                             releasableTo: options.releasableTo)
        let rejects = options.skipInvalid ? try RejectsWriter(path: options.rejectsPath ?? "rastro-rejects.ndjson") : nil
        let totalBytes = inputs.reduce(0) { $0 + $1.size }
        var report = IngestReport()
        let load = try await store.beginLoad(actor: defaults.originator)
        report.loadID = load.loadID
        var bytesBefore = 0
        do {
            for (index, input) in inputs.enumerated() {
                let context = FileRun.Context(index: index, count: inputs.count, bytesBefore: bytesBefore, bytesTotal: totalBytes,
                                              progress: progress)
                var run = FileRun(input: input, defaults: defaults, options: options, rejects: rejects, context: context)
                let source = SourceFile(path: input.path, kind: input.kind, format: input.format.rawValue)
                var counts: FileCounts
                do {
                    counts = try await load.loadFile(source) { sink in try await run.produce(into: sink) }
                } catch let error as IngestError {
                    run.fail(error)
                    counts = FileCounts()
                    counts.rowsRead = run.rowsRead
                    counts.rejected = run.rejectedRows
                    counts.discarded = true
                }
                report.files.append(FileReport(file: input, counts: counts, problems: run.problems, problemCount: run.problemCount))
                bytesBefore += input.size
            }
            try rejects?.finish()
            if let rejects, rejects.count > 0 { report.rejectsPath = rejects.path }
            if load.indexesToBuild > 0 {
                progress?(IngestProgress(file: "", fileIndex: inputs.count - 1, fileCount: inputs.count, bytesDone: totalBytes,
                                         bytesTotal: totalBytes, rows: 0, finishedFile: false, buildingIndexes: load.indexesToBuild))
            }
            try await load.commit(summary: report.summaryJSON)
        } catch {
            await load.rollback()
            rejects?.abandon()
            throw error
        }
        return report
    }
}
