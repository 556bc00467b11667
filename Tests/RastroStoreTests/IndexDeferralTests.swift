import Foundation
import RastroIngest
import RastroModel
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// A load that at least doubles a table drops its plain indexes and builds them again before it
/// commits (`IndexDeferral`): the indexes come back exactly as they were and answer queries, a
/// rejected file leaves them as they were, and a small load never touches them.
@Suite struct IndexDeferralTests {
    /// `rows` track points, one vehicle per 500, positions spread over Mexico; about 60 bytes a row.
    static func trackPoints(_ rows: Int, badLastRow: Bool = false) -> String {
        var text = "vehicle_id,recorded_at,lat,lon,source,speed_kmh\n"
        text.reserveCapacity(rows * 64)
        for row in 0..<rows {
            let vehicle = row / 500, step = row % 500
            let lat = 15.0 + Double(vehicle % 17) + Double(step) * 0.001
            let lon = -117.0 + Double(vehicle % 29) + Double(step) * 0.002
            let minute = step % 60, hour = step / 60
            let time = "2026-03-0\(1 + vehicle % 9)T\(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute):00Z"
            text += "TRK-\(vehicle),\(time),\(lat),\(lon),gps,\(Double(step % 90))\n"
        }
        if badLastRow { text += "TRK-X,2026-03-01T00:00:00Z,95.5,-100.0,gps,10\n" }
        return text
    }

    func indexDefinitions(_ test: TestStore) async throws -> [String] {
        let sql: String
        if case .postgres = test.store.url {
            sql = "SELECT indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'track_points' ORDER BY indexname"
        } else {
            sql = "SELECT sql AS definition FROM sqlite_master WHERE type = 'index' AND tbl_name = 'track_points' AND sql IS NOT NULL ORDER BY name"
        }
        return try await test.store.queryForTests(sql).map { $0["definition"].text ?? "" }
    }

    func ingest(_ test: TestStore, _ path: String) async throws -> IngestReport {
        try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([path])
    }

    func drops(_ test: TestStore) -> Int {
        test.statements.all.filter { $0.uppercased().hasPrefix("DROP INDEX") }.count
    }

    @Test(arguments: TestBackend.all)
    func aBigLoadRebuildsTheIndexesAsTheyWere(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let before = try await indexDefinitions(test)
        #expect(before.contains { $0.contains("track_points_map_cell_first") })
        let rows = 80_000
        let big = try Fixtures.file("track_points.csv", Self.trackPoints(rows))
        // Over the 4 MiB below which a load never defers.
        #expect(try FileManager.default.attributesOfItem(atPath: big)[.size] as? Int ?? 0 >= 4 << 20)

        test.statements.clear()
        let report = try await ingest(test, big)
        #expect(report.allLoaded && report.files[0].counts.inserted == rows)
        #expect(drops(test) == 1, "the map's index is dropped once, for the whole load")
        #expect(try await indexDefinitions(test) == before)
        if case .sqlite = test.store.url {
            // The rebuild's sort had a helper thread, and only the rebuild.
            let statements = test.statements.all.map { $0.uppercased() }
            let on = statements.firstIndex(of: "PRAGMA THREADS=1"), off = statements.lastIndex(of: "PRAGMA THREADS=0")
            let build = statements.firstIndex { $0.hasPrefix("CREATE INDEX") }
            #expect(on != nil && build != nil && off != nil)
            if let on, let build, let off { #expect(on < build && build < off) }
            #expect(try await test.store.queryForTests("PRAGMA threads").first?["threads"].integer == 0)
        }
        // The rebuilt index answers the map: every position in a box around all of them.
        let box = MapBox(minLon: -118, minLat: 14, maxLon: -80, maxLat: 33)
        let sample = try await test.store.trackPoints(in: box, limit: rows + 1, viewer: test.settings.viewer)
        #expect(sample.complete && sample.items.count == rows)

        // A small file into the now large table keeps the indexes in place.
        test.statements.clear()
        let small = try Fixtures.file("track_points.csv", Self.trackPoints(1_000).replacingOccurrences(of: ",gps,", with: ",checkpoint,"))
        let changed = try await ingest(test, small)
        #expect(changed.files[0].counts.versioned == 1_000)
        #expect(drops(test) == 0)
        #expect(try await indexDefinitions(test) == before)
    }

    @Test(arguments: TestBackend.all)
    func aRejectedBigFileLeavesTheIndexesAsTheyWere(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let before = try await indexDefinitions(test)
        let bad = try Fixtures.file("track_points.csv", Self.trackPoints(80_000, badLastRow: true))
        test.statements.clear()
        let report = try await ingest(test, bad)
        #expect(!report.allLoaded && report.files[0].rejected)
        #expect(drops(test) == 1)
        #expect(try await indexDefinitions(test) == before)
        #expect(try await test.store.count(.trackPoints, viewer: test.settings.viewer) == 0)
    }
}
