import Foundation
import Hummingbird
import RastroAnalysis
import RastroModel
import RastroStore

extension Workbench {
    /// The most legs a route answer draws, and the most positions per leg and in all.
    static let routeLegLimit = 200
    static let routePointsPerLeg = 5_000
    static let routePointLimit = 20_000

    /// A consignment's route as GeoJSON: the legs that carried it (its own, and those of the
    /// transfers that name it or that the last analysis's custody trace follows) as straight
    /// lines, each leg's positions as a line and as points, and the stops and deviations found in
    /// them (`RouteAnalysis`). Every read goes through the viewer; 404 when the consignment is not
    /// one the viewer may see. Top-level `capped` says that positions were left out.
    func routeGeoJSON(_ call: Call) async throws -> Response {
        let id = call.parameter("id")
        let store = read
        let viewer = call.viewer
        guard try await !store.currentRecords(.consignments, ids: [id], viewer: viewer).isEmpty else {
            throw WebError.notFound()
        }
        var transferIDs = try await store.currentRecords(.transfers, where: "consignment_id", in: [id], viewer: viewer).compactMap { $0["transfer_id"].text }
        // The stored trace is the node's (built from records another organization may not see): a
        // leg that reaches this consignment only through it is the node's knowledge, not the viewer's.
        if viewer.organization == settings.organization, let trace = try await store.storedTrace(id) {
            transferIDs += trace.steps.map(\.transferID)
        }
        let records = try await store.currentRecords(.legs, where: "consignment_id", in: [id], viewer: viewer)
            + store.currentRecords(.legs, where: "transfer_id", in: transferIDs, viewer: viewer)
        var seen = Set<String>()
        let legs = records.filter { seen.insert($0.id).inserted }.compactMap { try? Leg($0) }
            .sorted { ($0.departedAt, $0.legID) < ($1.departedAt, $1.legID) }.prefix(Self.routeLegLimit)
        var tracks: [String: Track] = [:]
        var pointsOf: [String: [Record]] = [:]
        var seenPoints = Set<String>()
        var total = 0, capped = legs.count == Self.routeLegLimit
        for leg in legs {
            guard case .success(let departed) = Timestamp.parseTimestamp(leg.departedAt) else { continue }
            let start = Int64(departed.epochSeconds.rounded(.down))
            var end = start + 48 * 3600
            if let arrivedAt = leg.arrivedAt, case .success(let arrived) = Timestamp.parseTimestamp(arrivedAt) {
                end = Int64(arrived.epochSeconds.rounded(.down))
            }
            let room = min(Self.routePointsPerLeg, Self.routePointLimit - total)
            guard room > 0 else { capped = true; break }
            let points = try await store.trackPoints(vehicle: leg.vehicleID, from: start, to: max(start, end), limit: room, viewer: viewer)
            if points.count == room { capped = true }
            total += points.count
            pointsOf[leg.legID] = points
            for point in points where seenPoints.insert(point.id).inserted {
                guard let text = point["recorded_at"].text, case .success(let time) = Timestamp.parseTimestamp(text),
                      let lat = point["lat"].number, let lon = point["lon"].number else { continue }
                tracks[leg.vehicleID, default: Track(vehicleID: leg.vehicleID)]
                    .append(time: Int64(time.epochSeconds.rounded(.down)), lat: lat, lon: lon, source: Track.Source(point["source"].text),
                            speedKmh: point["speed_kmh"].number)
            }
        }
        for key in Array(tracks.keys) { tracks[key]!.sort() }
        let stops: Set<RouteEvidence.Kind> = [.dwell, .stop, .offCorridor, .darkStop]
        let evidence = RouteAnalysis.analyze(legs: Array(legs), tracks: tracks, facilities: []).filter { stops.contains($0.kind) }
        var json = MapJSON()
        json.open()
        json.field("type", "FeatureCollection")
        json.key("capped")
        json.raw(capped ? "true" : "false")
        json.key("positions")
        json.integer(total)
        json.key("features")
        json.open("[")
        for leg in legs {
            if let origin = leg.origin, let destination = leg.destination {
                json.feature(line: [(origin.lat, origin.lon), (destination.lat, destination.lon)]) { json in
                    json.field("layer", "leg")
                    json.field("id", leg.legID)
                    json.field("vehicle", leg.vehicleID)
                    json.field("departed", leg.departedAt)
                    json.field("arrived", leg.arrivedAt)
                    json.field("transfer", leg.transferID)
                    json.field("consignment", leg.consignmentID)
                }
            }
            let points = (pointsOf[leg.legID] ?? []).compactMap { point -> (Record, Double, Double)? in
                guard let lat = point["lat"].number, let lon = point["lon"].number else { return nil }
                return (point, lat, lon)
            }
            if points.count > 1 {
                json.feature(line: points.map { ($0.1, $0.2) }) { json in
                    json.field("layer", "track")
                    json.field("leg", leg.legID)
                    json.field("vehicle", leg.vehicleID)
                }
            }
            for (point, lat, lon) in points {
                json.feature(point: (lat, lon)) { json in
                    json.field("layer", "point")
                    json.field("id", point.id)
                    json.field("time", point["recorded_at"].text)
                    json.field("leg", leg.legID)
                }
            }
        }
        for item in evidence {
            json.feature(point: (item.lat, item.lon)) { json in
                json.field("layer", "stop")
                json.field("kind", item.kind.rawValue)
                json.field("leg", item.legID)
                json.field("vehicle", item.vehicleID)
                json.field("value", number: item.value)
                json.field("start", Timestamp.format(epoch: item.start))
                json.field("end", Timestamp.format(epoch: item.end))
            }
        }
        json.close("]")
        json.close()
        try await audited(call, ["consignments/" + id] + legs.map { "legs/" + $0.legID }
                          + pointsOf.values.flatMap { $0.map { "track_points/" + $0.id } }, "route map")
        return Self.json(json.bytes, type: "application/geo+json")
    }
}

extension MapJSON {
    /// A GeoJSON feature with a line through `points` (lat, lon), its properties written by `properties`.
    mutating func feature(line points: [(Double, Double)], properties: (inout MapJSON) -> Void) {
        feature(geometry: { json in
            json.raw(#"{"type":"LineString","coordinates":["#)
            for (index, point) in points.enumerated() {
                if index > 0 { json.raw(",") }
                json.pair(point.0, point.1, geo: true)
            }
            json.raw("]}")
        }, properties: properties)
    }

    /// A GeoJSON point feature at `point` (lat, lon).
    mutating func feature(point: (Double, Double), properties: (inout MapJSON) -> Void) {
        feature(geometry: { json in
            json.raw(#"{"type":"Point","coordinates":"#)
            json.pair(point.0, point.1, geo: true)
            json.raw("}")
        }, properties: properties)
    }

    private mutating func feature(geometry: (inout MapJSON) -> Void, properties: (inout MapJSON) -> Void) {
        separate()
        open()
        field("type", "Feature")
        key("geometry")
        geometry(&self)
        key("properties")
        open()
        properties(&self)
        close()
        close()
    }
}
