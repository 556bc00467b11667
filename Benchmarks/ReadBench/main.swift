// The read-path cost of sharing (issue 6): the same reads with and without the policy, on a
// loaded store. "no policy" is hand-written SQL without the viewer predicate, decoded the same
// way; "policy" is the product's read (viewer predicate in the SQL, personal-field redaction);
// "policy + audit" also appends the audit entry the commands write for that read.
//
//   rastro-read-bench sqlite:/path/world.db [--lookups 2000] [--rounds 5] [--as ORG:CC]
import Foundation
import RastroModel
@_spi(Testing) import RastroStore

struct Options {
    var url = ""
    var lookups = 2_000
    var rounds = 5
    var viewer: (String, String)?

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            switch argument {
            case "--lookups": options.lookups = Int(value) ?? options.lookups; index += 1
            case "--rounds": options.rounds = Int(value) ?? options.rounds; index += 1
            case "--as":
                let parts = value.split(separator: ":").map(String.init)
                guard parts.count == 2 else { return nil }
                options.viewer = (parts[0], parts[1]); index += 1
            default:
                guard options.url.isEmpty else { return nil }
                options.url = argument
            }
            index += 1
        }
        return options.url.isEmpty ? nil : options
    }
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data("usage: rastro-read-bench DATABASE_URL [--lookups N] [--rounds R] [--as ORG:CC]\n".utf8))
    exit(2)
}
let store = try await Store.open(try DatabaseURL(parsing: options.url))
let settings = try await store.settings()
let viewer = options.viewer.map { Viewer(organization: $0.0, country: $0.1, user: "bench") }
    ?? Viewer(organization: settings.organization, country: settings.country, user: "bench")

// Ids to look up: every kind but track points, sampled evenly.
let lookupKinds: [Kind] = [.organizations, .consignments, .transfers, .legs, .usageReports, .observations, .incidents]
var ids: [(Kind, String)] = []
for kind in lookupKinds {
    ids += try await store.queryForTests("SELECT record_id FROM \(kind.table) WHERE is_current = 1 ORDER BY record_id")
        .compactMap { $0.values[0].text.map { (kind, $0) } }
}
let step = max(1, ids.count / max(1, options.lookups))
let sample = stride(from: 0, to: ids.count, by: step).prefix(options.lookups).map { ids[$0] }

struct Path {
    var name: String
    var baseline: () async throws -> Int
    var policy: (_ audit: Bool) async throws -> Int
}

let paths: [Path] = [
    Path(name: "\(sample.count) record lookups (show)", baseline: {
        var rows = 0
        for (kind, id) in sample {
            let found = try await store.queryForTests("""
                SELECT t.*, f.path AS source_path, f.load_id AS source_load, l.finished_at AS loaded_at
                FROM \(kind.table) t JOIN load_files f ON f.file_id = t.file_id JOIN loads l ON l.load_id = f.load_id
                WHERE t.record_id = ? ORDER BY t.version
                """, [.text(id)])
            rows += found.map { Store.decodeForTests(kind, $0) }.count
        }
        return rows
    }, policy: { audit in
        var rows = 0
        for (kind, id) in sample {
            rows += try await store.versions(of: kind, id: id, viewer: viewer).count
            if audit { try await store.audit([AuditEvent(viewer, "read", objects: [kind.rawValue + "/" + id], detail: "show")]) }
        }
        return rows
    }),
    Path(name: "listing every transfer, 10,000 a page", baseline: {
        var rows = 0
        var after = ""
        while true {
            let page = try await store.queryForTests("""
                SELECT * FROM transfers WHERE is_current = 1 AND record_id > ? ORDER BY record_id LIMIT 10000
                """, [.text(after)]).map { Store.decodeForTests(.transfers, $0) }
            guard let last = page.last else { break }
            rows += page.count
            after = last.id
        }
        return rows
    }, policy: { audit in
        var rows = 0
        var after = ""
        while true {
            let page = try await store.currentRecords(.transfers, viewer: viewer, limit: 10_000, after: after)
            guard let last = page.last else { break }
            if audit { try await store.audit([AuditEvent.read(viewer, objects: page.map { "transfers/" + $0.id }, detail: "list")]) }
            rows += page.count
            after = last.id
        }
        return rows
    }),
    Path(name: "statistics (counts per kind, originator, TLP)", baseline: {
        var rows = 0
        for kind in Kind.allCases {
            rows += try await store.queryForTests("""
                SELECT originator, tlp, SUM(is_current) AS records, COUNT(*) AS versions FROM \(kind.table)
                GROUP BY originator, tlp ORDER BY originator, tlp
                """).count
        }
        return rows
    }, policy: { audit in
        let rows = try await store.stats(viewer: viewer).count
        if audit { try await store.audit([AuditEvent(viewer, "read", detail: "stats")]) }
        return rows
    }),
]

print("read paths as \(viewer.organization) (\(viewer.country)) on \(options.url); medians of \(options.rounds) rounds")
print("path | no policy | policy | ratio | policy + audit | ratio | rows (no policy / policy)")
var totals = (0.0, 0.0, 0.0)
for path in paths {
    var times: ([Double], [Double], [Double]) = ([], [], [])
    var counts = (0, 0)
    _ = try await path.baseline()   // warm the cache
    for _ in 0..<options.rounds {
        times.0.append(try await seconds { counts.0 = try await path.baseline() })
        times.1.append(try await seconds { counts.1 = try await path.policy(false) })
        times.2.append(try await seconds { _ = try await path.policy(true) })
    }
    let (base, policy, audited) = (median(times.0), median(times.1), median(times.2))
    totals = (totals.0 + base, totals.1 + policy, totals.2 + audited)
    print(String(format: "%@ | %.1f ms | %.1f ms | %.2f | %.1f ms | %.2f | %d / %d", path.name, base * 1000, policy * 1000, policy / base,
                 audited * 1000, audited / base, counts.0, counts.1))
}
print(String(format: "all three | %.1f ms | %.1f ms | %.2f | %.1f ms | %.2f |", totals.0 * 1000, totals.1 * 1000, totals.1 / totals.0,
             totals.2 * 1000, totals.2 / totals.0))
await store.close()
