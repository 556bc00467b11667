import Foundation
import Hummingbird
import NIOCore
import RastroAnalysis
import RastroModel
import RastroShare
import RastroStore
import Synchronization

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
        let occupancy = try await mapCells.current(store)
        let viewer = call.viewer
        // Positions and legs each on a read connection of its own, at the same time (2 cores: a
        // sparse view of a state spends tens of milliseconds in each).
        async let pointsPart = layers.contains("points") ? Self.pointsLayer(store, box, limit: limit, viewer: viewer, occupancy: occupancy) : nil
        async let legsPart = layers.contains("legs") ? Self.legsLayer(read, box, viewer: viewer, occupancy: occupancy) : nil
        var json = MapJSON()
        var shown: [String] = []
        json.open()
        for (name, part) in [("points", try await pointsPart), ("legs", try await legsPart)] {
            guard let (fragment, ids) = part else { continue }
            json.key(name)
            json.append(fragment)
            shown += ids
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
        return Self.json(json.bytes, type: "application/json")
    }

    /// The positions in `box` as the map's JSON, and their ids for the audit.
    private static func pointsLayer(_ store: Store, _ box: MapBox, limit: Int, viewer: Viewer,
                                    occupancy: MapOccupancy?) async throws -> (MapJSON, [String]) {
        let sample = try await store.trackPoints(in: box, limit: limit, viewer: viewer, occupancy: occupancy)
        var json = MapJSON()
        json.sample(sample) { json, point in
            json.raw("[")
            json.string(point.id)
            json.raw(",")
            json.number(point.lat)
            json.raw(",")
            json.number(point.lon)
            json.raw("]")
        }
        return (json, sample.items.map { "track_points/" + $0.id })
    }

    /// The legs in `box` as the map's JSON, and their ids for the audit.
    private static func legsLayer(_ store: Store, _ box: MapBox, viewer: Viewer, occupancy: MapOccupancy?) async throws -> (MapJSON, [String]) {
        let sample = try await store.legs(in: box, limit: mapLegLimit, viewer: viewer, occupancy: occupancy)
        var json = MapJSON()
        json.sample(sample) { json, leg in json.leg(leg) }
        return (json, sample.items.map { "legs/" + $0.id })
    }

    static func json(_ bytes: [UInt8], type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type + "; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The map's occupied cells (`Store.mapOccupancy`) as of the last load. After a load the map reads
/// every cell of a box until the cells are read again, on a connection of their own (seconds on
/// millions of positions), so that no request waits for them.
final class MapCells: Sendable {
    private let state = Mutex((occupancy: MapOccupancy?.none, refreshing: false))

    /// The occupancy when it is current, else nil (and a refresh starts, unless one is running).
    func current(_ store: Store) async throws -> MapOccupancy? {
        let stamp = try await store.dataStamp()
        if let occupancy = state.withLock({ $0.occupancy }), occupancy.stamp == stamp { return occupancy }
        if claim() { Task { await self.read(store.url) } }
        return nil
    }

    /// Reads the occupancy now (the server's warm-up), unless a refresh is running.
    func refresh(_ url: DatabaseURL) async {
        if claim() { await read(url) }
    }

    /// True when no refresh was running: the caller now runs one.
    private func claim() -> Bool {
        state.withLock { state in
            guard !state.refreshing else { return false }
            state.refreshing = true
            return true
        }
    }

    private func read(_ url: DatabaseURL) async {
        var occupancy: MapOccupancy?
        if let store = try? await Store.open(url) {
            occupancy = try? await store.mapOccupancy()
            await store.close()
        }
        state.withLock { state in
            if let occupancy { state.occupancy = occupancy }
            state.refreshing = false
        }
    }
}

/// JSON written straight into bytes: the map's answers hold thousands of small arrays, which
/// `JSONSerialization` builds several times slower, and appending to a `String` piece by piece
/// spent most of a country view's time (a profile of `/map/data.json`, docs/benchmarks.md).
struct MapJSON {
    private(set) var bytes: [UInt8] = []
    private var first = [true]

    init() { bytes.reserveCapacity(1 << 20) }

    /// `value` rounded to five decimals (about a metre), as JSON (`null` when not finite).
    mutating func number(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        let scaled = (value * 1e5).rounded()
        guard abs(scaled) < 1e15 else { return raw(String(scaled / 1e5)) }
        var units = Int64(scaled)
        if units < 0 {
            bytes.append(UInt8(ascii: "-"))
            units = -units
        }
        digits(UInt64(units / 100_000))
        var fraction = units % 100_000
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        var width = 5
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    private mutating func digits(_ value: UInt64) {
        if value >= 10 { digits(value / 10) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    mutating func integer(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(UInt64(value.magnitude))
    }

    mutating func raw(_ piece: String) { bytes.append(contentsOf: piece.utf8) }

    /// A value written by another `MapJSON`.
    mutating func append(_ fragment: MapJSON) { bytes += fragment.bytes }

    /// `text` as a JSON string, as `JSONText.quote` writes it.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        // Ids and names rarely hold a character to escape: then the bytes are copied whole.
        if utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
                case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case ..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                default: bytes.append(byte)
                }
            }
        } else {
            // Contiguous for native strings: one copy.
            if utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: utf8) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func separate() {
        if first[first.count - 1] { first[first.count - 1] = false } else { bytes.append(UInt8(ascii: ",")) }
    }

    mutating func open(_ bracket: String = "{") {
        raw(bracket)
        first.append(true)
    }

    mutating func close(_ bracket: String = "}") {
        raw(bracket)
        first.removeLast()
    }

    mutating func key(_ name: String) {
        separate()
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { raw("null") }
    }

    mutating func field(_ name: String, number value: Double?) {
        key(name)
        if let value { number(value) } else { raw("null") }
    }

    /// `[lat, lon]` (or `[lon, lat]` as GeoJSON orders them, with `geo`).
    mutating func pair(_ lat: Double, _ lon: Double, geo: Bool = false) {
        bytes.append(UInt8(ascii: "["))
        number(geo ? lon : lat)
        bytes.append(UInt8(ascii: ","))
        number(geo ? lat : lon)
        bytes.append(UInt8(ascii: "]"))
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
        raw(sample.complete ? "true" : "false")
        key("total")
        integer(sample.estimatedTotal)
        close()
    }

    /// A leg as the map draws it: its ends, times and what it carried.
    mutating func leg(_ leg: MapLeg) {
        open()
        field("id", leg.id)
        field("vehicle", leg.vehicle)
        field("departed", leg.departed)
        field("arrived", leg.arrived)
        field("transfer", leg.transfer)
        field("consignment", leg.consignment)
        field("tlp", leg.tlp.label)
        for (name, place) in [("from", leg.from), ("to", leg.to)] {
            key(name)
            if let place { pair(place.lat, place.lon) } else { raw("null") }
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
        list(area.reasons) { json, reason in json.string(reason) }
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
