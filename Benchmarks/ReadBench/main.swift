// The read-path cost of sharing (issue 6): the same reads with and without the policy, on a
// loaded store. "no policy" is hand-written SQL without the viewer predicate, decoded the same
// way; "policy" is the product's read (viewer predicate in the SQL, personal-field redaction);
// "policy + audit" also logs the audit entry the commands write for that read (on SQLite, to the
// store's read journal, folded into the chain every 64 KiB within the timed loop).
//
//   rastro-read-bench sqlite:/path/world.db [--lookups 2000] [--rounds 5] [--as ORG:CC] [--only lookups|listing|census|scan]
import Foundation
import RastroModel
@_spi(Testing) import RastroStore

struct Options {
    var url = ""
    var lookups = 2_000
    var rounds = 5
    var viewer: (String, String)?
    /// One path alone (for profiling): its totals lines are then left out.
    var only: String?

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let value = index + 1 < arguments.count ? arguments[index + 1] : ""
            switch argument {
            case "--lookups": options.lookups = Int(value) ?? options.lookups; index += 1
            case "--rounds": options.rounds = Int(value) ?? options.rounds; index += 1
            case "--only":
                guard ["lookups", "listing", "census", "scan"].contains(value) else { return nil }
                options.only = value; index += 1
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

/// Wall time and this process's CPU time (user + system, every thread) of `body`, in seconds. On
/// a machine shared with other work, the wall time includes waiting for a core; the CPU time does
/// not, and is the steadier of the two.
func seconds(_ body: () async throws -> Void) async rethrows -> (wall: Double, cpu: Double) {
    let start = ContinuousClock.now
    let cpuStart = cpuSeconds()
    try await body()
    let elapsed = ContinuousClock.now - start
    return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, cpuSeconds() - cpuStart)
}

func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data("usage: rastro-read-bench DATABASE_URL [--lookups N] [--rounds R] [--as ORG:CC] [--only lookups|listing|census|scan]\n".utf8))
    exit(2)
}
// The reads run outside the main actor, as the product's readers do (the server's handlers, a
// command's `run`): closures formed on the main actor would hop back to it at every call,
// and those hops would be timed as part of the read.
nonisolated func runBench(_ options: Options) async throws {
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

    /// As `rastro show` reads: the lookup, then its entry logged before the data is returned.
    func auditedShow(_ store: Store, _ kind: Kind, _ id: String, _ viewer: Viewer) async throws -> [StoredVersion] {
        try await store.withAuditedRead({ try await store.versions(of: kind, id: id, viewer: viewer) }, audit: { found in
            found.isEmpty ? [] : [AuditEvent(viewer, "read", objects: [kind.rawValue + "/" + id], detail: "show")]
        })
    }

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
                rows += found.map { Store.decodeVersionForTests(kind, $0) }.count
            }
            return rows
        }, policy: { audit in
            var rows = 0
            for (kind, id) in sample {
                guard audit else {
                    rows += try await store.versions(of: kind, id: id, viewer: viewer).count
                    continue
                }
                rows += try await auditedShow(store, kind, id, viewer).count

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
                if audit { try await store.auditRead([AuditEvent.read(viewer, objects: page.map { "transfers/" + $0.id }, detail: "list")]) }
                rows += page.count
                after = last.id
            }
            return rows
        }),
        // `rastro stats` with the marking census fresh (as after the first count since a load): the
        // product checks the census's stamp and sums the census rows the viewer's predicate admits, in
        // one statement. Without a policy the best way to the same counts is the same statement
        // without the predicate (the stamp still checked: a stale census would give wrong counts).
        Path(name: "statistics from the marking census", baseline: {
            let rows = try await store.queryForTests("""
                SELECT kind, originator, tlp, CAST(SUM(records) AS BIGINT) AS records, CAST(SUM(versions) AS BIGINT) AS versions
                FROM marking_census
                WHERE (SELECT stamp FROM marking_census_stamp WHERE id = 1)
                    = (SELECT CAST(COUNT(*) AS TEXT) || '|' || COALESCE(MAX(finished_at), '') FROM loads)
                GROUP BY kind, originator, tlp
                UNION ALL SELECT '', '', '', 0, 0
                WHERE (SELECT stamp FROM marking_census_stamp WHERE id = 1)
                    = (SELECT CAST(COUNT(*) AS TEXT) || '|' || COALESCE(MAX(finished_at), '') FROM loads)
                """)
            guard rows.contains(where: { $0.values[0].text == "" }) else { throw BenchError.staleCensus }
            return rows.count - 1
        }, policy: { audit in
            // As `rastro stats` reads: with its entry, the census's sums and the entry in one transaction.
            audit ? try await store.stats(viewer: viewer, audit: AuditEvent(viewer, "read", detail: "stats")).count
                : try await store.stats(viewer: viewer).count
        }),
        // The same counts when the census is stale (a load since it was built, and no rebuild): a
        // scan of every record table, 5.6M rows on the large world.
        Path(name: "statistics by scan (census stale)", baseline: {
            var rows = 0
            for kind in Kind.allCases {
                rows += try await store.queryForTests("""
                    SELECT originator, tlp, SUM(is_current) AS records, COUNT(*) AS versions FROM \(kind.table)
                    GROUP BY originator, tlp ORDER BY originator, tlp
                    """).count
            }
            return rows
        }, policy: { audit in
            let rows = try await store.scanStats(viewer: viewer).count
            if audit { try await store.auditRead([AuditEvent(viewer, "read", detail: "stats")]) }
            return rows
        }),
    ]

    enum BenchError: Error { case staleCensus, censusDiffers }

    // The census as a node has it after the first count since the load (the copy of the large world
    // was loaded before the census existed): built once here, and checked against a scan.
    if options.only == nil || options.only == "census" {
        let built = try await seconds { _ = try await store.refreshMarkingCensus() }
        guard try await store.freshCensusStats(viewer: viewer) == store.scanStats(viewer: viewer) else { throw BenchError.censusDiffers }
        print(String(format: "marking census built in %.1f ms (%d rows); equal to the scan for this viewer", built.wall * 1000,
                     Int(try await store.queryForTests("SELECT COUNT(*) FROM marking_census")[0].values[0].integer ?? 0)))
    }

    print("read paths as \(viewer.organization) (\(viewer.country)) on \(options.url); medians of \(options.rounds) rounds")
    print("path | no policy | policy | ratio | policy + audit | ratio | CPU ratios (policy, + audit) | rows (no policy / policy)")
    typealias Medians = (base: Double, policy: Double, audited: Double)
    var wall: [Medians] = [], cpu: [Medians] = []
    let pathKeys = ["lookups", "listing", "census", "scan"]
    for (key, path) in zip(pathKeys, paths) where options.only == nil || options.only == key {
        var times: [[(wall: Double, cpu: Double)]] = [[], [], []]
        var counts = (0, 0)
        _ = try await path.baseline()   // warm the cache
        for _ in 0..<options.rounds {
            times[0].append(try await seconds { counts.0 = try await path.baseline() })
            times[1].append(try await seconds { counts.1 = try await path.policy(false) })
            times[2].append(try await seconds { _ = try await path.policy(true) })
        }
        let w = (median(times[0].map { $0.wall }), median(times[1].map { $0.wall }), median(times[2].map { $0.wall }))
        let c = (median(times[0].map { $0.cpu }), median(times[1].map { $0.cpu }), median(times[2].map { $0.cpu }))
        wall.append(w)
        cpu.append(c)
        print(String(format: "%@ | %.2f ms | %.2f ms | %.2f | %.2f ms | %.2f | %.2f, %.2f | %d / %d", path.name, w.0 * 1000, w.1 * 1000, w.1 / w.0,
                     w.2 * 1000, w.2 / w.0, c.1 / c.0, c.2 / c.0, counts.0, counts.1))
    }
    // Totals of the three reads, with the statistics from the census (paths 0, 1, 2) and by scan (0, 1, 3).
    for (label, chosen) in [("all three, statistics from the census", [0, 1, 2]), ("all three, statistics by scan", [0, 1, 3])]
    where options.only == nil {
        let w = chosen.reduce((0.0, 0.0, 0.0)) { ($0.0 + wall[$1].base, $0.1 + wall[$1].policy, $0.2 + wall[$1].audited) }
        let c = chosen.reduce((0.0, 0.0, 0.0)) { ($0.0 + cpu[$1].base, $0.1 + cpu[$1].policy, $0.2 + cpu[$1].audited) }
        print(String(format: "%@ | %.2f ms | %.2f ms | %.2f | %.2f ms | %.2f | %.2f, %.2f |", label, w.0 * 1000, w.1 * 1000, w.1 / w.0,
                     w.2 * 1000, w.2 / w.0, c.1 / c.0, c.2 / c.0))
    }
    await store.close()
}

try await runBench(options)
