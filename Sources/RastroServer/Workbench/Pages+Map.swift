import Foundation
import Hummingbird
import NIOCore
import RastroAnalysis
import RastroModel
import RastroShare
import RastroStore

extension Workbench {
    /// The most track points one answer of `/map/data.json` holds (a spread-out sample beyond).
    static let mapPointLimit = 10_000
    /// The most legs one answer holds.
    static let mapLegLimit = 2_000

    /// The map: Mexico and its neighbours from the offline basemap, ports and crossings, and what
    /// the viewer may see in view (`static/map.js` asks `/map/data.json` as the view moves).
    func mapPage(_ call: Call) async throws -> Response {
        let shared = try await runs.shared(read, viewer: call.viewer, settings: settings)
        let formats = Formats(call.language)
        // The ranked areas as a table too: readable without the map, and where a lead is made.
        let canLead = leadForm(call, kind: "areas", id: "") != nil
        let areas = (shared?.detail?.areas ?? []).prefix(20).enumerated().map { index, area -> [String: Any] in
            ["rank": index + 1, "score": formats.score(area.score), "lat": String(format: "%.4f", area.lat), "lon": String(format: "%.4f", area.lon),
             "radius": formats.number((area.radiusKm * 10).rounded() / 10) + " km", "evidence": formats.count(area.evidence.count),
             "reasons": area.counts.map { counts in
                 counts.keys.sorted().map { kind in
                     catalog.text("map.areas.kind." + kind, call.language).replacingOccurrences(of: "{count}", with: formats.count(counts[kind]!))
                 }.joined(separator: "; ")
             } ?? area.reasons.joined(separator: "; "),
             "english": area.counts == nil, "canLead": canLead]
        }
        if !areas.isEmpty { try await audited(call, areas.map { "areas/\($0["rank"]!)" }, "map areas") }
        return try render(call, "map", title: "map.title", nav: "map", ["noAnalysis": shared == nil, "areas": areas, "hasAreas": !areas.isEmpty])
    }

    /// What is in a bounding box: `bbox=minLon,minLat,maxLon,maxLat` and `layers=points,legs,areas`
    /// (all three by default). Track points and legs come from the store through the viewer, at
    /// most `limit` points (default and maximum 10,000) and 2,000 legs, sampled evenly beyond that;
    /// risk areas are those of the last analysis the viewer may see.
    func mapData(_ call: Call) async throws -> Response {
        guard let box = MapBox(call.query.first("bbox") ?? "") else { throw WebError(.badRequest, "error.badRequest") }
        let layers = Set((call.query.first("layers") ?? "points,legs,areas").split(separator: ",").map(String.init))
        let limit = min(Self.mapPointLimit, max(1, Int(call.query.first("limit") ?? "") ?? Self.mapPointLimit))
        let store = read
        var json = MapJSON()
        var shown: [String] = []
        json.open()
        if layers.contains("points") {
            let sample = try await store.trackPoints(in: box, limit: limit, viewer: call.viewer)
            json.key("points")
            json.sample(sample) { json, point in
                json.raw("[" + JSONText.quote(point.id) + "," + MapJSON.number(point.lat) + "," + MapJSON.number(point.lon) + "]")
            }
            shown += sample.items.map { "track_points/" + $0.id }
        }
        if layers.contains("legs") {
            let sample = try await store.legs(in: box, limit: Self.mapLegLimit, viewer: call.viewer)
            json.key("legs")
            json.sample(sample) { json, record in json.leg(record) }
            shown += sample.items.map { "legs/" + $0.id }
        }
        if layers.contains("areas") {
            let areas = try await runs.shared(store, viewer: call.viewer, settings: settings)?.detail?.areas ?? []
            let inView = areas.filter { box.contains(lat: $0.lat, lon: $0.lon) }
            json.key("areas")
            json.list(inView) { json, area in json.area(area) }
            shown += inView.flatMap { $0.evidence.map { $0.kind + "/" + $0.id } }
        }
        json.close()
        try await audited(call, shown, "map")
        return Self.json(json.text, type: "application/json")
    }

    static func json(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type + "; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// JSON written straight into a string: the map's answers hold thousands of small arrays, which
/// `JSONSerialization` builds several times slower.
struct MapJSON {
    private(set) var text = ""
    private var first = [true]

    init() { text.reserveCapacity(1 << 20) }

    static func number(_ value: Double) -> String {
        value.isFinite ? String((value * 1e5).rounded() / 1e5) : "null"
    }

    mutating func raw(_ piece: String) { text += piece }

    mutating func separate() {
        if first[first.count - 1] { first[first.count - 1] = false } else { text += "," }
    }

    mutating func open(_ bracket: String = "{") {
        text += bracket
        first.append(true)
    }

    mutating func close(_ bracket: String = "}") {
        text += bracket
        first.removeLast()
    }

    mutating func key(_ name: String) {
        separate()
        text += JSONText.quote(name) + ":"
    }

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        text += value.map(JSONText.quote) ?? "null"
    }

    mutating func field(_ name: String, number value: Double?) {
        key(name)
        text += value.map(Self.number) ?? "null"
    }

    mutating func list<T>(_ items: [T], _ each: (inout MapJSON, T) -> Void) {
        open("[")
        for item in items {
            separate()
            each(&self, item)
        }
        close("]")
    }

    mutating func sample<T>(_ sample: MapSample<T>, _ each: (inout MapJSON, T) -> Void) {
        open()
        key("items")
        list(sample.items, each)
        key("complete")
        text += sample.complete ? "true" : "false"
        key("total")
        text += String(sample.estimatedTotal)
        close()
    }

    /// A leg as the map draws it: its ends, times and what it carried.
    mutating func leg(_ record: Record) {
        open()
        field("id", record.id)
        field("vehicle", record["vehicle_id"].text)
        field("departed", record["departed_at"].text)
        field("arrived", record["arrived_at"].text)
        field("transfer", record["transfer_id"].text)
        field("consignment", record["consignment_id"].text)
        field("tlp", record.marking.tlp.label)
        for (name, lat, lon) in [("from", "origin_lat", "origin_lon"), ("to", "destination_lat", "destination_lon")] {
            key(name)
            if let lat = record[lat].number, let lon = record[lon].number {
                text += "[" + Self.number(lat) + "," + Self.number(lon) + "]"
            } else {
                text += "null"
            }
        }
        close()
    }

    /// A risk area with its score, reasons and evidence links.
    mutating func area(_ area: Area) {
        open()
        field("lat", number: area.lat)
        field("lon", number: area.lon)
        field("radiusKm", number: area.radiusKm)
        field("score", number: area.score)
        key("reasons")
        list(area.reasons) { json, reason in json.raw(JSONText.quote(reason)) }
        key("evidence")
        list(area.evidence) { json, evidence in
            json.open()
            json.field("kind", evidence.kind)
            json.field("id", evidence.id)
            json.field("href", Workbench.link(evidence))
            json.close()
        }
        close()
    }
}
