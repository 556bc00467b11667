import ArgumentParser
import Foundation
import RastroIngest
import RastroModel
import RastroStore

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load contract-v1 files (CSV, NDJSON) into the store, atomically.",
        discussion: """
            Loads files and folders (recursively) of .csv, .ndjson and .jsonl files, or STIX 2.1 bundles \
            (.json files whose top-level type is bundle; see below); the kind comes \
            from each file's name (consignments.csv, track_points-2026-03.csv …) or --kind. Every row \
            is validated; a bad row is reported as file:line: column: reason and, by default, its \
            whole file is rejected and nothing of it is written. With --skip-invalid the good rows \
            load and the bad ones go to the rejects file. The load is one transaction: it is all \
            there or not there, even if the process is killed. Loading the same rows again changes \
            nothing; a changed row becomes a new version and the old one is kept.

            A STIX bundle (from rastro export stix, a partner node or another tool) keeps each \
            object's TLP 2.0 marking, releasable-to set and originator (the organization behind \
            created_by_ref). Rastro's own objects become the records they were made from; incidents \
            and sightings of other tools become records where they can; a partner's lead becomes a \
            received lead, and a partner's notes on this node's own leads apply their steps. Other \
            objects are counted as skipped, with the reason. A bad object rejects the whole run.

            Exit codes: 0 everything loaded, 1 rejected input, 2 usage error, 3 store failure.

            Examples:
              rastro ingest Examples/small
              rastro ingest exports/aduana-2026-03.csv --kind consignments --originator MX-SAT --tlp amber
              rastro ingest feeds/ --skip-invalid --rejects rejects.ndjson --json
              rastro ingest from-mx.json
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var signingKey: SigningKeyOptions

    @Argument(help: ArgumentHelp("Files or folders to load.", valueName: "path"))
    var paths: [String]

    @Option(help: ArgumentHelp("The kind of every file, instead of telling it from the name.", valueName: "kind"))
    var kind: String?

    @Flag(name: .customLong("skip-invalid"), help: "Load the good rows of files with bad rows; write the bad ones to the rejects file.")
    var skipInvalid = false

    @Option(help: ArgumentHelp("Where --skip-invalid writes rejected rows (NDJSON). Default: rastro-rejects.ndjson.", valueName: "file"))
    var rejects: String?

    @Option(help: ArgumentHelp("Originator of rows without an originator column (default: the node's organization).", valueName: "org"))
    var originator: String?

    @Option(help: ArgumentHelp("TLP of rows without a tlp column: clear, green, amber, amber+strict, red (default: the node's).", valueName: "level"))
    var tlp: String?

    @Option(name: .customLong("releasable-to"), help: ArgumentHelp("Releasable-to of rows without that column: ;-separated countries and organization ids.", valueName: "list"))
    var releasableTo: String?

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        if let kind, Kind(rawValue: kind) == nil {
            throw ValidationError("--kind must be one of: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let tlp, TLP(parsing: tlp) == nil { throw ValidationError("--tlp must be clear, green, amber, amber+strict or red") }
        if let originator, !Marking.isValidParty(originator) { throw ValidationError("--originator must be letters, digits, - . _") }
        if rejects != nil, !skipInvalid { throw ValidationError("--rejects needs --skip-invalid") }
        if let releasableTo, !parties(releasableTo).allSatisfy(Marking.isValidParty) {
            throw ValidationError("--releasable-to must list countries and organization ids separated by ;")
        }
    }

    private func parties(_ list: String) -> [String] {
        list.split(separator: ";").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    func run() async throws {
        let bundles = try STIXInput.bundles(in: paths)
        if !bundles.isEmpty {
            try await STIXInput.ingest(bundles, paths: paths, command: self)
            return
        }
        let store = try await store.open()
        let settings = try await store.settings()
        var options = IngestOptions()
        options.kind = kind.flatMap(Kind.init(rawValue:))
        options.skipInvalid = skipInvalid
        options.rejectsPath = rejects
        options.originator = originator
        options.tlp = tlp.flatMap { TLP(parsing: $0) }
        options.releasableTo = releasableTo.map(parties) ?? []
        let bar = ProgressBar()
        let report: IngestReport
        do {
            report = try await Ingestor(store: store, settings: settings, options: options).run(paths) { bar.update($0) }
        } catch {
            bar.finish()
            await store.close()
            throw error
        }
        bar.finish()
        await AutomaticCheckpoint.make(store, signingKey)
        await store.close()
        for file in report.files {
            for problem in file.problems { Terminal.note(problem.description) }
            if file.problemCount > file.problems.count {
                Terminal.note("\(file.file.path): … and \(file.problemCount - file.problems.count) more problems")
            }
            if file.rejected { Terminal.note("\(file.file.path): rejected, nothing of it was written") }
        }
        if json {
            try Terminal.json(IngestSummary(report))
        } else {
            Terminal.table(["kind", "rows", "inserted", "new versions", "unchanged", "rejected"], report.totals.map { entry in
                [entry.kind.rawValue, "\(entry.counts.rowsRead)", "\(entry.counts.inserted)", "\(entry.counts.versioned)",
                 "\(entry.counts.unchanged)", "\(entry.counts.rejected)"]
            })
            if let path = report.rejectsPath { print("rejected rows written to \(path)") }
            print("load \(report.loadID ?? "-"): \(report.files.filter { !$0.rejected }.count) of \(report.files.count) files loaded")
        }
        if !report.allLoaded { throw Failure(code: Failure.rejectedInput, message: "") }
    }
}

/// The `--json` form of an ingest report.
struct IngestSummary: Encodable {
    struct File: Encodable {
        var path: String
        var kind: String
        var format: String
        var rejected: Bool
        var counts: FileCounts
        var problems: [String]
        var problemCount: Int
    }

    var loadID: String?
    var allLoaded: Bool
    var rejectsPath: String?
    var totals: [String: FileCounts]
    var files: [File]

    init(_ report: IngestReport) {
        loadID = report.loadID
        allLoaded = report.allLoaded
        rejectsPath = report.rejectsPath
        totals = Dictionary(uniqueKeysWithValues: report.totals.map { ($0.kind.rawValue, $0.counts) })
        files = report.files.map { file in
            File(path: file.file.path, kind: file.file.kind.rawValue, format: file.file.format.rawValue, rejected: file.rejected,
                 counts: file.counts, problems: file.problems.map(\.description), problemCount: file.problemCount)
        }
    }
}
