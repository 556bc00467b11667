import ArgumentParser
import Foundation
import RastroShare
import RastroStore

/// `rastro ingest` of STIX 2.1 bundles: `.json` files named on the command line, and those in the
/// folders named whose top-level type is `bundle` (other `.json` files in a folder are not input).
enum STIXInput {
    static func bundles(in paths: [String]) throws -> [String] {
        var found: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                let names = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted()
                for name in names where name.lowercased().hasSuffix(".json") {
                    let full = (path as NSString).appendingPathComponent(name)
                    if STIXImporter.isBundle(path: full) { found.append(full) }
                }
            } else if path.lowercased().hasSuffix(".json") {
                found.append(path)
            }
        }
        return found
    }

    static func ingest(_ bundles: [String], paths: [String], command: Ingest) async throws {
        let others = paths.filter { path in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            return !isDirectory.boolValue && !path.lowercased().hasSuffix(".json")
        }
        let folders = paths.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        let contractFiles = others + folders.flatMap { folder in
            (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? [])
                .filter { ["csv", "ndjson", "jsonl"].contains(($0 as NSString).pathExtension.lowercased()) }
        }
        guard contractFiles.isEmpty else {
            throw Failure(code: Failure.usage, message: "load STIX bundles and contract files (.csv, .ndjson) in separate runs")
        }
        guard command.kind == nil, command.originator == nil, command.tlp == nil, command.releasableTo == nil, !command.skipInvalid else {
            throw Failure(code: Failure.usage,
                          message: "--kind, --originator, --tlp, --releasable-to and --skip-invalid do not apply to STIX bundles: their objects carry their own")
        }
        try await command.store.withStore { store in
            let settings = try await store.settings()
            let report: STIXImportReport
            do {
                report = try await STIXImporter(store: store, settings: settings, actor: settings.organization).importBundles(bundles)
            } catch let error as ShareError where error.code == .stixInput {
                for line in error.message.split(separator: "\n") { Terminal.note(String(line)) }
                throw Failure(code: Failure.rejectedInput, message: "")
            }
            await AutomaticCheckpoint.make(store, command.signingKey)
            if command.json {
                try Terminal.json(report)
            } else {
                Terminal.table(["objects", "inserted", "new versions", "unchanged", "leads received", "lead steps applied", "skipped"],
                               [["\(report.objects)", "\(report.inserted)", "\(report.versioned)", "\(report.unchanged)",
                                 "\(report.leadsReceived)", "\(report.leadStepsApplied)", "\(report.skipped.values.reduce(0, +))"]])
                for (reason, count) in report.skipped.sorted(by: { $0.key < $1.key }) { print("skipped \(count): \(reason)") }
                print("load \(report.loadID ?? "-"): \(bundles.count) STIX bundle\(bundles.count == 1 ? "" : "s") loaded")
            }
        }
    }
}
