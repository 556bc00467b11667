import Foundation
import RastroIngest
import RastroModel
import RastroServer
import RastroShare
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// The map's reads: only what the viewer may see, sampled when a box holds more than the limit,
/// and the map page and its JSON behind a signed-in session.
@Suite(.serialized) struct WorkbenchMapTests {
    /// Near Guadalajara: V1's trip for C-1 (AMBER, releasable to MX), and V9's trip (RED, of
    /// MX-TEST only) on the same consignment.
    static let files = [
        "consignments.csv": """
            consignment_id,arrival_date,port_locode,chemical_cas,chemical_name,quantity_kg,importer_name,originator,tlp,releasable_to
            C-1,2026-03-01,MXZLO,108-24-7,,100,Química del Pacífico,MX-TEST,amber,MX
            C-RED,2026-03-01,MXZLO,108-24-7,,100,Química del Pacífico,MX-TEST,red,
            """,
        "legs.csv": """
            leg_id,vehicle_id,departed_at,arrived_at,origin_lat,origin_lon,destination_lat,destination_lon,consignment_id,originator,tlp,releasable_to
            L-1,V1,2026-03-02T10:00:00Z,2026-03-02T14:00:00Z,19.05,-104.31,20.67,-103.35,C-1,MX-TEST,amber,MX
            L-RED,V9,2026-03-02T10:00:00Z,2026-03-02T14:00:00Z,19.05,-104.31,20.60,-103.40,C-1,MX-TEST,red,
            """,
        "track_points.csv": "vehicle_id,recorded_at,lat,lon,source,speed_kmh,originator,tlp,releasable_to\n"
            + (0..<120).map { index in
                let minute = index * 2
                let time = String(format: "2026-03-02T%02d:%02d:00Z", 10 + minute / 60, minute % 60)
                let step = Double(index) / 120
                return "V1,\(time),\(19.05 + 1.6 * step),\(-104.31 + 0.96 * step),gps,60,MX-TEST,amber,MX\n"
                    + "V9,\(time),\(19.06 + 1.5 * step),\(-104.30 + 0.9 * step),gps,60,MX-TEST,red,\n"
            }.joined(),
    ]
    static let box = MapBox(minLon: -105, minLat: 18, maxLon: -103, maxLat: 21)

    static func store(_ backend: TestBackend) async throws -> TestStore {
        let test = try await TestStore.make(backend, organization: "MX-TEST", country: "MX")
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([try Fixtures.folder(files)])
        let node = test.settings.viewer
        try await test.store.addMember(Member(orgID: "MX-SEMAR", country: "MX", name: "SEMAR"), by: node)
        try await test.store.addUser(UserAccount(userID: "sam", orgID: "MX-SEMAR", role: .analyst, displayName: "Sam",
                                                 passwordHash: Credentials.hashPassword("correct horse", cost: 4)), by: node)
        return test
    }

    @Test(arguments: TestBackend.all)
    func boxReadsShowOnlyWhatTheViewerMaySee(_ backend: TestBackend) async throws {
        let test = try await Self.store(backend)
        defer { Task { await test.dispose() } }
        let semar = Viewer(organization: "MX-SEMAR", country: "MX")
        test.statements.clear()
        let points = try await test.store.trackPoints(in: Self.box, limit: 10_000, viewer: semar)
        #expect(points.items.count == 120 && points.complete && points.estimatedTotal == 120)
        #expect(points.items.allSatisfy { $0.id.hasPrefix("V1@") })
        let legs = try await test.store.legs(in: Self.box, limit: 100, viewer: semar)
        #expect(legs.items.map(\.id) == ["L-1"])
        let red = try await test.store.trackPoints(vehicle: "V9", from: 0, to: 2_000_000_000, limit: 1000, viewer: semar)
        #expect(red.isEmpty)
        let own = try await test.store.trackPoints(vehicle: "V9", from: 0, to: 2_000_000_000, limit: 1000, viewer: test.settings.viewer)
        #expect(own.count == 120)
        #expect(test.statements.all.filter { $0.contains("FROM track_points") || $0.contains("FROM legs") }
            .allSatisfy { $0.contains(AccessPolicy.marker) })
        // Outside the box: nothing.
        let elsewhere = try await test.store.trackPoints(in: MapBox(minLon: -90, minLat: 15, maxLon: -87, maxLat: 17), limit: 10, viewer: semar)
        #expect(elsewhere.items.isEmpty && elsewhere.complete)
    }

    @Test(arguments: TestBackend.all)
    func aBoxWithMoreThanTheLimitGivesASpreadSample(_ backend: TestBackend) async throws {
        let test = try await Self.store(backend)
        defer { Task { await test.dispose() } }
        let occupancy = try await test.store.mapOccupancy()
        for occupied in [nil, occupancy] {
            let sample = try await test.store.trackPoints(in: Self.box, limit: 40, viewer: test.settings.viewer, occupancy: occupied)
            #expect(sample.items.count <= 40 && sample.items.count > 0 && !sample.complete)
            #expect(sample.estimatedTotal > 40)
            #expect(Set(sample.items.map(\.id)).count == sample.items.count)
            // Spread over the box: the rows come by cell, south first, and the sample is not cut
            // off at the north (the trips run from 19.05° to 20.65° north, over three cells).
            let lats = sample.items.map(\.lat)
            #expect(lats.min()! < 19.6 && lats.max()! > 20.3, "\(lats.sorted())")
        }
        // A batch that brings more than the limit is thinned evenly, not cut at the end.
        #expect(Store.thinned(Array(0..<100), to: 10) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
        #expect(Store.thinned(Array(0..<7), to: 3) == [0, 2, 4] && Store.thinned([1, 2], to: 5) == [1, 2] && Store.thinned([1, 2], to: 0).isEmpty)
    }

    /// The box reads seek the one-degree cells a box covers (0011): positions and legs on and
    /// around cell edges, west and south of zero, are found exactly as a plain comparison finds them.
    @Test(arguments: TestBackend.all)
    func boxReadsFindEveryPositionAndLegOnCellEdges(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend, organization: "MX-TEST", country: "MX")
        defer { Task { await test.dispose() } }
        let coordinates: [Double] = [-1.0000001, -1, -0.9999999, -0.5, 0, 0.4999999, 0.9999999, 1, 1.0000001, 19.9999999, 20, 20.0000001]
        var points = "vehicle_id,recorded_at,lat,lon,source,speed_kmh,originator,tlp,releasable_to\n"
        var legs = "leg_id,vehicle_id,departed_at,arrived_at,origin_lat,origin_lon,destination_lat,destination_lon,consignment_id,originator,tlp,releasable_to\n"
        var expected: [(id: String, lat: Double, lon: Double)] = []
        var index = 0
        for lat in coordinates {
            for lon in coordinates.map({ -$0 - 100 }) + coordinates {
                let time = String(format: "2026-03-02T%02d:%02d:%02dZ", index / 3600, index / 60 % 60, index % 60)
                points += "V1,\(time),\(lat),\(lon),gps,60,MX-TEST,amber,MX\n"
                expected.append((id: "V1@" + time, lat: lat, lon: lon))
                // A leg from far away to here, and one from here to far away.
                legs += "L-\(index)-in,V1,\(time),\(time),45,45,\(lat),\(lon),C-1,MX-TEST,amber,MX\n"
                legs += "L-\(index)-out,V1,\(time),\(time),\(lat),\(lon),-45,-45,C-1,MX-TEST,amber,MX\n"
                index += 1
            }
        }
        let files = ["track_points.csv": points, "legs.csv": legs, "consignments.csv": Self.files["consignments.csv"]!]
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([try Fixtures.folder(files)])
        let viewer = test.settings.viewer
        let boxes = [MapBox(minLon: -1, minLat: -1, maxLon: 1, maxLat: 1), MapBox(minLon: -0.9999999, minLat: 0, maxLon: 0.9999999, maxLat: 20),
                     MapBox(minLon: -101, minLat: 19.9999999, maxLon: -99, maxLat: 20), MapBox(minLon: 0.5, minLat: 0.5, maxLon: 0.6, maxLat: 0.6),
                     MapBox(minLon: -180, minLat: -90, maxLon: 180, maxLat: 90), MapBox(minLon: 1, minLat: 1, maxLon: 1, maxLat: 1)]
        // The occupied cells are exactly the cells of the positions and of the legs' ends.
        let occupancy = try await test.store.mapOccupancy()
        func cell(_ lat: Double, _ lon: Double) -> Int { Int((lat + 90).rounded(.down)) * 1000 + Int((lon + 180).rounded(.down)) }
        #expect(occupancy.stamp == (try await test.store.dataStamp()))
        #expect(occupancy.points == Dictionary(expected.map { (cell($0.lat, $0.lon), 1) }, uniquingKeysWith: +))
        #expect(Set(occupancy.legOrigins.keys) == Set(expected.map { cell($0.lat, $0.lon) } + [cell(45, 45)]))
        #expect(occupancy.legOrigins[cell(45, 45)] == expected.count && occupancy.legDestinations[cell(-45, -45)] == expected.count)
        #expect(Set(occupancy.legDestinations.keys) == Set(expected.map { cell($0.lat, $0.lon) } + [cell(-45, -45)]))
        // Empty boxes, and boxes that hold only some occupied cells, on top of those above.
        let more = [MapBox(minLon: 10, minLat: 10, maxLon: 12, maxLat: 12), MapBox(minLon: -100.5, minLat: -2, maxLon: 0.5, maxLat: 0.5),
                    MapBox(minLon: 44, minLat: 44, maxLon: 46, maxLat: 46)]
        for box in boxes + more {
            let inside = expected.filter { box.contains(lat: $0.lat, lon: $0.lon) }
            var legsInBox = Set(expected.indices.filter { box.contains(lat: expected[$0].lat, lon: expected[$0].lon) }
                .flatMap { ["L-\($0)-in", "L-\($0)-out"] })
            if box.contains(lat: 45, lon: 45) { legsInBox.formUnion(expected.indices.map { "L-\($0)-in" }) }
            if box.contains(lat: -45, lon: -45) { legsInBox.formUnion(expected.indices.map { "L-\($0)-out" }) }
            let expectedLegs = legsInBox.sorted()
            // The same answers whether the read skips the empty cells or not.
            for occupied in [nil, occupancy] {
                let found = try await test.store.trackPoints(in: box, limit: 10_000, viewer: viewer, occupancy: occupied)
                #expect(found.complete && found.items.map(\.id).sorted() == inside.map(\.id).sorted(), "\(box)")
                let legIDs = try await test.store.legs(in: box, limit: 10_000, viewer: viewer, occupancy: occupied).items.map(\.id).sorted()
                #expect(legIDs == expectedLegs, "\(box)")
            }
        }
        let occupied = Set(occupancy.points.keys)
        #expect(Store.mapCells(MapBox(minLon: 10, minLat: 10, maxLon: 12, maxLat: 12), occupied: occupied) == [])
        #expect(Store.mapCells(MapBox(minLon: -180, minLat: -90, maxLon: 180, maxLat: 90), occupied: occupied)?.count == occupied.count)
        // A box of more cells than are worth a seek each reads without them, and finds the same.
        #expect(Store.mapCells(MapBox(minLon: -180, minLat: -90, maxLon: 180, maxLat: 90)) == nil)
        #expect(Store.mapCells(MapBox(minLon: -1, minLat: -1, maxLon: 1, maxLat: 1))?.count == 9)
    }

    @Test(arguments: TestBackend.all)
    func theMapAndItsDataNeedASessionAndFollowTheViewer(_ backend: TestBackend) async throws {
        let test = try await Self.store(backend)
        let server = try await RunningServer.start(test.url)
        defer { Task { await server.stop(); await test.dispose() } }
        let stranger = WorkbenchClient(base: server.base, language: "en")
        let anonymous = try await stranger.get("/map/data.json?bbox=-105,18,-103,21")
        #expect(anonymous.status == 303 && (anonymous.header("location") ?? "").hasPrefix("/login"))

        let browser = WorkbenchClient(base: server.base, language: "en")
        let signedIn = try await browser.signIn("sam", "correct horse")
        #expect(signedIn.status == 303 && browser.cookies["rastro_session"] != nil)
        let page = try await browser.get("/map")
        #expect(page.status == 200)
        #expect(page.body.contains(#"id="map""#) && page.body.contains("/static/map.js") && page.body.contains("data-s-layer-points"))
        #expect(!page.body.contains("[map."), "a catalog key is missing")

        let data = try await browser.get("/map/data.json?bbox=-105,18,-103,21")
        #expect(data.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(data.body.utf8)) as? [String: Any])
        let points = try #require((json["points"] as? [String: Any])?["items"] as? [[Any]])
        #expect(points.count == 120 && points.allSatisfy { ($0.first as? String)?.hasPrefix("V1@") == true })
        // Positions to five decimals, as numbers: V1's first is at 19.05, -104.31.
        let first = try #require(points.first { ($0.first as? String) == "V1@2026-03-02T10:00:00Z" })
        #expect((first[1] as? Double).map { abs($0 - 19.05) < 1e-9 } == true && (first[2] as? Double).map { abs($0 + 104.31) < 1e-9 } == true)
        #expect(json["areas"] is [Any] && (json["points"] as? [String: Any])?["complete"] as? Bool == true)
        let legs = try #require((json["legs"] as? [String: Any])?["items"] as? [[String: Any]])
        #expect(legs.compactMap { $0["id"] as? String } == ["L-1"])
        #expect(!data.body.contains("V9") && !data.body.contains("L-RED"))
        #expect(try await browser.get("/map/data.json?bbox=nonsense").status == 400)

        // Once the server has read the occupied cells, a load into a cell that was empty shows at once:
        // the cells kept are of the data before that load, so they are not used for the next answers.
        for _ in 0..<200 where !(try await stranger.get("/healthz").body.contains("ready")) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await browser.get("/map/data.json?bbox=-105,18,-103,21").body.contains("V1@2026-03-02T10:00:00Z"))
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([try Fixtures.folder([
            "track_points.csv": "vehicle_id,recorded_at,lat,lon,source,speed_kmh,originator,tlp,releasable_to\n"
                + "V2,2026-03-03T10:00:00Z,18.5,-104.8,gps,60,MX-TEST,amber,MX\n",
        ])])
        let after = try await browser.get("/map/data.json?bbox=-105,18,-103,21")
        #expect(after.body.contains("V2@2026-03-03T10:00:00Z") && after.body.contains("V1@2026-03-02T10:00:00Z"))

        let route = try await browser.get("/consignments/C-1/route.geojson")
        #expect(route.status == 200 && route.header("content-type")?.hasPrefix("application/geo+json") == true)
        let geo = try #require(try JSONSerialization.jsonObject(with: Data(route.body.utf8)) as? [String: Any])
        let features = try #require(geo["features"] as? [[String: Any]])
        let layers = features.compactMap { ($0["properties"] as? [String: Any])?["layer"] as? String }
        #expect(layers.filter { $0 == "leg" }.count == 1 && layers.filter { $0 == "point" }.count == 120 && layers.contains("track"))
        #expect(!route.body.contains("V9") && !route.body.contains("L-RED"))
        #expect(try await browser.get("/consignments/C-RED/route.geojson").status == 404)
    }
}
