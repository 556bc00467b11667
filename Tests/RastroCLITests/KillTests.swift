import Foundation
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// A load killed with SIGKILL leaves the store as it was; a re-run finishes with exact counts.
@Suite struct KillTests {
    @Test(arguments: TestBackend.all)
    func killedLoadIsAllOrNothingAndReRunIsExact(_ backend: TestBackend) async throws {
        let url = backend.freshURL()
        let folder = try Fixtures.folder([:])
        #expect(try await RastroProcess.run(["init", "--database", url], directory: folder).status == 0)
        let rows = 100_000
        let file = folder + "/track_points.csv"
        try Fixtures.trackPoints(count: rows, path: file)
        let counts: () async throws -> (records: Int, versions: Int) = {
            let result = try await RastroProcess.run(["stats", "--database", url, "--json"])
            let stats = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
            return (stats.reduce(0) { $0 + ($1["records"] as? Int ?? 0) }, stats.reduce(0) { $0 + ($1["versions"] as? Int ?? 0) })
        }
        // The file (over 4 MiB) is big next to the empty table, so the load drops the map's index
        // and builds it again before it commits: a kill at any moment must leave it in place.
        let indexes: () async throws -> [String] = {
            let store = try await Store.open(try DatabaseURL(parsing: url))
            let sql = url.hasPrefix("sqlite:")
                ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'track_points' AND sql IS NOT NULL ORDER BY name"
                : "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'track_points' ORDER BY indexname"
            let names = try await store.queryForTests(sql).map { $0["name"].text ?? "" }
            await store.close()
            return names
        }
        let before = try await indexes()
        #expect(before.contains("track_points_map_cell_first"))
        // Kill at a few moments: early, in the middle, late.
        for delay in [0.3, 0.9, 1.6] {
            let process = try RastroProcess.start(["ingest", "--database", url, file], directory: folder)
            try await Task.sleep(for: .seconds(delay))
            let wasRunning = process.isRunning
            kill(process.processIdentifier, SIGKILL)
            await process.exited()
            let (records, versions) = try await counts()
            #expect(records == versions)
            #expect(records == 0 || records == rows, "after a kill at \(delay) s (running: \(wasRunning)): \(records) records")
            #expect(try await indexes() == before, "after a kill at \(delay) s")
        }
        let rerun = try await RastroProcess.run(["ingest", "--database", url, file], directory: folder)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("building 1 index before the load commits"), "\(rerun.stderr)")
        let (records, versions) = try await counts()
        #expect(records == rows && versions == rows)
        #expect(try await indexes() == before)
    }

    /// A read that commits its audit entry before it answers (`rastro show`) does not wait for a
    /// load that is running in another process: on SQLite the load locks the database file and
    /// the entry is written to the audit log's own file (before, the read waited for the load).
    @Test(arguments: TestBackend.all)
    func showAnswersWhileALoadRuns(_ backend: TestBackend) async throws {
        let url = backend.freshURL()
        let folder = try Fixtures.folder([:])
        #expect(try await RastroProcess.run(["init", "--database", url], directory: folder).status == 0)
        #expect(try await RastroProcess.run(["ingest", "--database", url, Fixtures.packageRoot + "/Examples/small"], directory: folder).status == 0)
        let store = try await Store.open(try DatabaseURL(parsing: url))
        let id = try #require(try await store.queryForTests("SELECT record_id FROM consignments ORDER BY record_id LIMIT 1").first?["record_id"].text)
        await store.close()
        let file = folder + "/track_points.csv"
        try Fixtures.trackPoints(count: 100_000, path: file)
        // Synchronous from the load's start to the read's end, on a thread of its own: on a loaded
        // CI machine an awaited sleep can resume many seconds late, after the load has ended.
        @Sendable func loadAndShow() throws -> (load: Process, loading: Bool, show: RastroProcess.Result, stillLoading: Bool) {
            let load = try RastroProcess.start(["ingest", "--database", url, file], directory: folder)
            Thread.sleep(forTimeInterval: 0.5)
            let loading = load.isRunning
            let show = try RastroProcess.runBlocking(["show", "consignments", id, "--database", url], directory: folder)
            return (load, loading, show, load.isRunning)
        }
        let (load, loading, show, stillLoading) = try await offThePool(loadAndShow)
        await load.exited()
        #expect(load.terminationStatus == 0)
        #expect(show.status == 0 && show.stdout.contains(id), "\(show.stderr)")
        #expect(loading, "the load of 100,000 rows was still running when the read began")
        #expect(stillLoading, "the read answered before the load ended")
        let log = try await RastroProcess.run(["audit", "log", "--database", url, "--limit", "50", "--json"], directory: folder)
        #expect(log.stdout.contains("consignments/" + id), "the read is in the audit log")
    }

    /// A load that finds another load at work queues behind it, says so, and then loads everything
    /// (before, an SQLite load gave up with "busy" after 30 s).
    @Test(arguments: TestBackend.all)
    func aSecondLoadWaitsForTheFirst(_ backend: TestBackend) async throws {
        let url = backend.freshURL()
        let folder = try Fixtures.folder([:])
        #expect(try await RastroProcess.run(["init", "--database", url], directory: folder).status == 0)
        let holder = try await Store.open(try DatabaseURL(parsing: url))
        let held = try await holder.beginLoad(actor: "MX-TEST")
        let errPath = folder + "/ingest.err"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let second = try RastroProcess.start(["ingest", "--database", url, Fixtures.packageRoot + "/Examples/small"],
                                             directory: folder, stderr: errHandle)
        @Sendable func stderrText() -> String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }
        // Synchronous polling, on a thread of its own: the note comes after the second load's
        // first quarter-second try.
        @Sendable func waitForNote() -> Bool {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, second.isRunning {
                if stderrText().contains("waiting for another writer") { return true }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return false
        }
        let noted = try await offThePool(waitForNote)
        #expect(noted, "the second load says that it waits: \(stderrText())")
        #expect(second.isRunning, "the second load waits instead of failing: \(stderrText())")
        await held.rollback()
        await holder.close()
        await second.exited()
        try errHandle.close()
        #expect(second.terminationStatus == 0, "\(stderrText())")
        let stats = try await RastroProcess.run(["stats", "--database", url, "--json"], directory: folder)
        let rows = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(rows.reduce(0) { $0 + ($1["records"] as? Int ?? 0) } > 0, "the queued load loaded: \(stats.stdout)")
    }
}
