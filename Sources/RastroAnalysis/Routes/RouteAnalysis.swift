public import RastroModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The thresholds of `RouteAnalysis`, with their defaults.
public struct RouteOptions: Sendable, Hashable, Codable {
    /// A position farther than this from the straight origin–destination corridor is off-route:
    /// max(corridorMinimumKm, corridorFraction × the leg's straight length). Default 8 km.
    public var corridorMinimumKm = 8.0
    /// See `corridorMinimumKm`. Default 0.12 (a 300 km leg allows 36 km).
    public var corridorFraction = 0.12
    /// Stationary: consecutive positions within dwellRadiusKm of the first for at least dwellMinutes.
    /// Default 0.6 km.
    public var dwellRadiusKm = 0.6
    /// See `dwellRadiusKm`. Default 25 minutes.
    public var dwellMinutes = 25.0
    /// A position reporting at most this speed is stationary: a run of positions within
    /// `dwellRadiusKm` too short to be a dwell is still a stop when one of them reports it.
    /// Default 3 km/h.
    public var stationaryKmh = 3.0
    /// Dwells within this distance of the origin, the destination or a known facility are ordinary.
    /// Default 0.3 km: the premises, with room for geocoding error. Wider, and in a dense city a stop
    /// at an unknown site near any registered company passes for a visit to it: with 0.5 km, a lab
    /// in Mexico City that two registered firms had within 450 m hid every stop made at it
    /// (docs/benchmarks.md, analysis, fourteenth session).
    public var facilityRadiusKm = 0.3
    /// Two consecutive positions further apart in time than this, during the leg, are a tracking gap.
    /// Default 75 minutes.
    public var gapMinutes = 75.0
    /// A tracking gap mid-trip that lasted this much longer than driving between the positions either
    /// side of it needs (their straight distance × roadFactor at roadSpeedKmh) hides a stop.
    /// Default 20 minutes.
    public var darkStopMinutes = 20.0
    /// Arrival later than the straight distance × roadFactor at roadSpeedKmh, plus slackHours, is late.
    /// Default 70 km/h.
    public var roadSpeedKmh = 70.0
    /// How much longer the road is than the straight line. Default 1.35.
    public var roadFactor = 1.35
    /// Time allowed on top of the driving time (loading, rest, traffic). Default 2 hours.
    public var slackHours = 2.0
    /// How long a leg without an arrival time is watched after its departure. Default 48 hours.
    public var openLegHours = 48.0

    public init() {}
}

/// One piece of evidence that a leg did not go the way its record says.
public struct RouteEvidence: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Positions beyond the corridor limit (one evidence per run of them).
        case offCorridor = "off_corridor"
        /// A stationary stop away from the origin, the destination and any known facility.
        case dwell
        /// A stop too short (or too sparsely sampled) to be a dwell, that the device reported
        /// stationary, away from the origin, the destination and any known facility.
        case stop
        /// A stretch of the leg without positions.
        case trackingGap = "tracking_gap"
        /// A tracking gap longer than the drive across it needs: the vehicle stopped while dark.
        case darkStop = "dark_stop"
        /// The leg took longer than the straight distance allows.
        case lateArrival = "late_arrival"
    }

    public var kind: Kind
    public var legID: String
    public var vehicleID: String
    /// Where: the farthest off-corridor point, the dwell's centre, the last position before a gap
    /// (the origin, when known, for a gap at the start of the leg), the destination for a late arrival.
    public var lat: Double
    public var lon: Double
    /// Seconds since 1970: the first and last off-corridor or stationary position; the positions (or
    /// window edges) either side of a gap; departure and arrival for a late arrival.
    public var start: Int64
    public var end: Int64
    /// km off the corridor; minutes stationary (for a stop, between its first and last position,
    /// 0 for one); minutes without a position; for a dark stop, the minutes beyond the drive; hours
    /// late.
    public var value: Double
    /// Track point ids (contract form VEHICLE@TIME) that show it: at most 5, the most telling first.
    /// Off-corridor: the farthest positions, farthest first; dwell: the first and last stationary
    /// positions, then up to three between; gap: the positions either side (one at a window edge);
    /// late arrival: the leg's last and first positions.
    public var pointIDs: [String]
    /// A human sentence in English for the explanation, e.g. "stopped 47 min 12.3 km off the
    /// (19.05, -104.32)–(20.67, -103.35) corridor at (19.812, -103.901)".
    public var detail: String
    /// The same sentence as a message, for the workbench's languages.
    public var text: ReasonText

    public init(kind: Kind, legID: String, vehicleID: String, lat: Double, lon: Double, start: Int64, end: Int64,
                value: Double, pointIDs: [String], text: ReasonText) {
        self.kind = kind
        self.legID = legID
        self.vehicleID = vehicleID
        self.lat = lat
        self.lon = lon
        self.start = start
        self.end = end
        self.value = value
        self.pointIDs = pointIDs
        self.text = text
        detail = ReasonTemplates.render(text, language: "en")
    }
}

/// Route deviation evidence: compares each leg's record (departure, arrival, origin, destination)
/// with its vehicle's positions.
public enum RouteAnalysis {
    /// Evidence for every leg whose vehicle has positions during the leg (departedAt … arrivedAt, or
    /// departedAt + `openLegHours` (48 h) when arrivedAt is missing), in leg order; a leg's evidence
    /// is ordered by start time, then kind.
    ///
    /// A position is used for a leg when its time is within the leg's window, both ends included;
    /// every source counts (GPS, checkpoint, aerial, AIS, other). A leg whose vehicle has no
    /// positions in the window gives no evidence at all, not even a late arrival: no telematics is not
    /// evidence by itself. Legs whose departure or arrival time does not parse are ignored.
    ///
    /// - Off-corridor (legs with both origin and destination): the corridor limit is
    ///   max(`corridorMinimumKm`, `corridorFraction` × the straight origin–destination distance);
    ///   each maximal run of consecutive positions farther than that from the straight segment gives
    ///   one evidence at its farthest point, value = that distance in km.
    /// - Dwell: a run of consecutive positions within `dwellRadiusKm` of its first position that
    ///   lasts at least `dwellMinutes` (first to last position) is a stop; its centre is the mean
    ///   position. A stop whose centre is within `facilityRadiusKm` of the origin, the destination
    ///   (each when known) or any of `facilities` is ordinary; any other gives one evidence,
    ///   value = minutes stationary. A run that makes a stop is not searched again for another.
    /// - Stop: a run within `dwellRadiusKm` that is too short for a dwell but has a position reporting
    ///   a speed of at most `stationaryKmh`, away from the origin, destination and facilities as for a
    ///   dwell; value = minutes between its first and last position (0 for a single one).
    /// - Tracking gap: two consecutive positions more than `gapMinutes` apart give one evidence,
    ///   value = minutes between them, at the position before the gap. The first position coming more
    ///   than `gapMinutes` after departure is a gap too (at the origin when known, else at that
    ///   position); so is the last position coming more than `gapMinutes` before the arrival (only
    ///   when the leg has an arrival time; an open window's end means nothing).
    /// - Dark stop: a gap between two positions of the leg that lasted at least `darkStopMinutes`
    ///   longer than their straight distance × `roadFactor` at `roadSpeedKmh` takes to drive gives a
    ///   second evidence beside the gap, value = those extra minutes.
    /// - Late arrival (legs with arrival, origin and destination): the allowance is the straight
    ///   distance × `roadFactor` at `roadSpeedKmh`, plus `slackHours`; a leg that took longer gives one
    ///   evidence at the destination, value = hours beyond the allowance.
    ///
    /// Cost: one binary search per leg and a linear pass over its window's positions; facilities are
    /// looked up in a grid. Strings are built only for the evidence found.
    public static func analyze(legs: [Leg], tracks: [String: Track], facilities: [Coordinate],
                               options: RouteOptions = RouteOptions()) -> [RouteEvidence] {
        let grid = FacilityGrid(facilities, radiusKm: options.facilityRadiusKm)
        // A leg without an arrival ends at the latest when the same vehicle sets off again: its next
        // trip's positions are not this leg's.
        var departures: [String: [Int64]] = [:]
        for leg in legs {
            if case .success(let departed) = Timestamp.parseTimestamp(leg.departedAt) {
                departures[leg.vehicleID, default: []].append(Int64(departed.epochSeconds.rounded(.down)))
            }
        }
        for key in Array(departures.keys) { departures[key]!.sort() }
        var out: [RouteEvidence] = []
        for leg in legs {
            guard let track = tracks[leg.vehicleID], track.count > 0,
                  var window = Window(leg, openHours: options.openLegHours) else { continue }
            if window.arrival == nil, let next = departures[leg.vehicleID]?.first(where: { $0 > window.start }), next - 1 < window.end {
                window.end = next - 1
            }
            let range = track.indices(from: window.start, to: window.end)
            guard !range.isEmpty else { continue }
            var scan = LegScan(leg: leg, track: track, range: range, window: window, options: options)
            scan.offCorridor()
            scan.dwells(facilities: grid)
            scan.gaps()
            scan.lateArrival()
            out += scan.evidence.sorted { ($0.start, $0.kind.rank) < ($1.start, $1.kind.rank) }
        }
        return out
    }
}

extension RouteEvidence.Kind {
    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// A leg's time window, in epoch seconds.
private struct Window {
    var start: Int64
    var end: Int64
    /// The arrival time, when the leg has one.
    var arrival: Int64?

    init?(_ leg: Leg, openHours: Double) {
        guard case .success(let departed) = Timestamp.parseTimestamp(leg.departedAt) else { return nil }
        start = Int64(departed.epochSeconds.rounded(.down))
        if let text = leg.arrivedAt {
            guard case .success(let arrived) = Timestamp.parseTimestamp(text) else { return nil }
            arrival = Int64(arrived.epochSeconds.rounded(.down))
            end = arrival ?? start
        } else {
            arrival = nil
            let hours = openHours.isFinite ? max(0, min(openHours, 1e6)) : 48
            end = start + Int64(hours * 3600)
        }
    }
}

/// The straight origin–destination segment and its off-route limit.
private struct Corridor {
    let origin: Coordinate
    let destination: Coordinate
    let lengthKm: Double
    let limitKm: Double
    /// `Geo.distanceToSegmentKm`'s flat projection, worked out once per leg.
    private let xScale: Double, yScale: Double, bx: Double, by: Double, length2: Double

    init(origin: Coordinate, destination: Coordinate, options: RouteOptions) {
        self.origin = origin
        self.destination = destination
        lengthKm = Geo.distanceKm(origin, destination)
        limitKm = max(options.corridorMinimumKm, options.corridorFraction * lengthKm)
        let toRadians = Double.pi / 180
        yScale = toRadians * Geo.earthRadiusKm
        xScale = yScale * cos((origin.lat + destination.lat) / 2 * toRadians)
        bx = (destination.lon - origin.lon) * xScale
        by = (destination.lat - origin.lat) * yScale
        length2 = bx * bx + by * by
    }

    /// The same as `Geo.distanceToSegmentKm(point, origin, destination)`.
    func distanceKm(_ point: Coordinate) -> Double {
        let px = (point.lon - origin.lon) * xScale, py = (point.lat - origin.lat) * yScale
        let t = length2 > 0 ? max(0, min(1, (px * bx + py * by) / length2)) : 0
        let dx = px - t * bx, dy = py - t * by
        return (dx * dx + dy * dy).squareRoot()
    }

    var name: ReasonText { ReasonText("route.corridor", ["from": .text(Text.place(origin, 2)), "to": .text(Text.place(destination, 2))]) }
}

/// The evidence of one leg.
private struct LegScan {
    let leg: Leg
    let track: Track
    let range: Range<Int>
    let window: Window
    let options: RouteOptions
    let corridor: Corridor?
    var evidence: [RouteEvidence] = []

    init(leg: Leg, track: Track, range: Range<Int>, window: Window, options: RouteOptions) {
        self.leg = leg
        self.track = track
        self.range = range
        self.window = window
        self.options = options
        if let origin = leg.origin, let destination = leg.destination {
            corridor = Corridor(origin: origin, destination: destination, options: options)
        } else {
            corridor = nil
        }
    }

    private mutating func add(_ kind: RouteEvidence.Kind, at place: Coordinate, _ start: Int64, _ end: Int64, value: Double,
                              points: [Int], _ text: ReasonText) {
        evidence.append(RouteEvidence(kind: kind, legID: leg.legID, vehicleID: leg.vehicleID, lat: place.lat, lon: place.lon,
                                      start: start, end: end, value: value, pointIDs: points.prefix(5).map { track.pointID($0) },
                                      text: text))
    }

    mutating func offCorridor() {
        guard let corridor else { return }
        var index = range.lowerBound
        while index < range.upperBound {
            let distance = corridor.distanceKm(track.position(index))
            guard distance > corridor.limitKm else { index += 1; continue }
            var farthest = Farthest()
            farthest.insert(index, distance)
            var next = index + 1
            while next < range.upperBound {
                let nextDistance = corridor.distanceKm(track.position(next))
                guard nextDistance > corridor.limitKm else { break }
                farthest.insert(next, nextDistance)
                next += 1
            }
            let top = farthest.items[0]
            let minutes = Double(track.times[next - 1] - track.times[index]) / 60
            let count = next - index
            add(.offCorridor, at: track.position(top.index), track.times[index], track.times[next - 1], value: top.distance,
                points: farthest.items.map(\.index),
                ReasonText("route.off_corridor", [
                    "km": .text(Text.fixed(top.distance, 1)), "corridor": .phrase(corridor.name),
                    "limit": .text(Text.fixed(corridor.limitKm, 1)), "place": .text(Text.place(track.position(top.index), 3)),
                    "positions": .phrase(count == 1 ? ReasonText("route.off_corridor.one")
                        : ReasonText("route.off_corridor.many", ["count": "\(count)", "minutes": .text(Text.fixed(minutes, 0))]))]))
            index = next
        }
    }

    mutating func dwells(facilities: FacilityGrid) {
        let radius2 = options.dwellRadiusKm * max(0, options.dwellRadiusKm), minimum = options.dwellMinutes * 60
        var index = range.lowerBound
        while index < range.upperBound {
            // Flat distances around the anchor (exact to well under a metre at dwell radii).
            let anchorLat = track.lats[index], anchorLon = track.lons[index]
            let yScale = Double.pi / 180 * Geo.earthRadiusKm, xScale = yScale * cos(anchorLat * .pi / 180)
            var next = index + 1
            while next < range.upperBound {
                let dx = (track.lons[next] - anchorLon) * xScale, dy = (track.lats[next] - anchorLat) * yScale
                guard dx * dx + dy * dy <= radius2 else { break }
                next += 1
            }
            let seconds = track.times[next - 1] - track.times[index]
            guard next - index >= 2, Double(seconds) >= minimum else {
                if let still = (index..<next).first(where: { track.reportsStationary($0, atMost: options.stationaryKmh) }) {
                    reportStop(index..<next, still: still, facilities: facilities)
                    index = next
                } else {
                    index += 1
                }
                continue
            }
            var lat = 0.0, lon = 0.0
            for point in index..<next {
                lat += track.lats[point]
                lon += track.lons[point]
            }
            let centre = Coordinate(lat: lat / Double(next - index), lon: lon / Double(next - index))
            if !isOrdinary(centre, facilities) {
                let minutes = Double(seconds) / 60
                let text: ReasonText
                if let corridor {
                    text = ReasonText("route.dwell.corridor", ["minutes": .text(Text.fixed(minutes, 0)), "km": .text(Text.fixed(corridor.distanceKm(centre), 1)),
                                                               "corridor": .phrase(corridor.name), "place": .text(Text.place(centre, 3))])
                } else {
                    text = ReasonText("route.dwell.away", ["minutes": .text(Text.fixed(minutes, 0)), "place": .text(Text.place(centre, 3))])
                }
                add(.dwell, at: centre, track.times[index], track.times[next - 1], value: minutes,
                    points: Self.spread(index..<next), text)
            }
            index = next
        }
    }

    /// A run too short for a dwell with a position reporting itself stationary: evidence at that position.
    private mutating func reportStop(_ run: Range<Int>, still: Int, facilities: FacilityGrid) {
        let place = track.position(still)
        guard !isOrdinary(place, facilities) else { return }
        let minutes = Double(track.times[run.upperBound - 1] - track.times[run.lowerBound]) / 60
        let speed = ReasonValue.text(Text.fixed(Double(track.speeds[still]), 0))
        let text: ReasonText
        if let corridor {
            text = ReasonText("route.still.corridor", ["speed": speed, "km": .text(Text.fixed(corridor.distanceKm(place), 1)),
                                                       "corridor": .phrase(corridor.name), "place": .text(Text.place(place, 3))])
        } else {
            text = ReasonText("route.still.away", ["speed": speed, "place": .text(Text.place(place, 3))])
        }
        add(.stop, at: place, track.times[run.lowerBound], track.times[run.upperBound - 1], value: minutes,
            points: [still] + Self.spread(run).filter { $0 != still }, text)
    }

    private func isOrdinary(_ centre: Coordinate, _ facilities: FacilityGrid) -> Bool {
        let radius = options.facilityRadiusKm
        if let origin = leg.origin, Geo.distanceKm(centre, origin) <= radius { return true }
        if let destination = leg.destination, Geo.distanceKm(centre, destination) <= radius { return true }
        return facilities.contains(near: centre)
    }

    /// The first and last positions of a run, then up to three between them, evenly spread.
    private static func spread(_ run: Range<Int>) -> [Int] {
        guard run.count > 2 else { return Array(run) }
        var points = [run.lowerBound, run.upperBound - 1]
        let inner = run.count - 2, wanted = min(3, inner)
        for step in 1...wanted { points.append(run.lowerBound + step * (inner + 1) / (wanted + 1)) }
        return points
    }

    mutating func gaps() {
        let limit = options.gapMinutes * 60
        let first = range.lowerBound, last = range.upperBound - 1
        let lead = track.times[first] - window.start
        if Double(lead) > limit {
            let minutes = Double(lead) / 60
            add(.trackingGap, at: leg.origin ?? track.position(first), window.start, track.times[first], value: minutes,
                points: [first], ReasonText("route.gap.first", ["minutes": .text(Text.fixed(minutes, 0)),
                                                                "place": .text(Text.place(track.position(first), 3))]))
        }
        for index in first..<last {
            let seconds = track.times[index + 1] - track.times[index]
            guard Double(seconds) > limit else { continue }
            let minutes = Double(seconds) / 60
            let from = track.position(index), to = track.position(index + 1)
            add(.trackingGap, at: from, track.times[index], track.times[index + 1], value: minutes, points: [index, index + 1],
                ReasonText("route.gap.between", ["minutes": .text(Text.fixed(minutes, 0)), "from": .text(Text.place(from, 3)),
                                                 "to": .text(Text.place(to, 3)), "km": .text(Text.fixed(Geo.distanceKm(from, to), 1))]))
            guard options.roadSpeedKmh > 0 else { continue }
            let needed = Geo.distanceKm(from, to) * options.roadFactor / options.roadSpeedKmh * 60
            if minutes - needed >= options.darkStopMinutes {
                add(.darkStop, at: from, track.times[index], track.times[index + 1], value: minutes - needed, points: [index, index + 1],
                    ReasonText("route.dark", ["minutes": .text(Text.fixed(minutes, 0)), "from": .text(Text.place(from, 3)),
                                              "to": .text(Text.place(to, 3)), "extra": .text(Text.fixed(minutes - needed, 0)),
                                              "km": .text(Text.fixed(Geo.distanceKm(from, to), 1))]))
            }
        }
        if let arrival = window.arrival, Double(arrival - track.times[last]) > limit {
            let minutes = Double(arrival - track.times[last]) / 60
            let seen = track.position(last)
            var values: [String: ReasonValue] = ["minutes": .text(Text.fixed(minutes, 0)), "place": .text(Text.place(seen, 3))]
            if let destination = leg.destination { values["km"] = .text(Text.fixed(Geo.distanceKm(seen, destination), 1)) }
            add(.trackingGap, at: seen, track.times[last], arrival, value: minutes, points: [last],
                ReasonText(leg.destination == nil ? "route.gap.last" : "route.gap.last_near", values))
        }
    }

    mutating func lateArrival() {
        guard let corridor, let arrival = window.arrival, options.roadSpeedKmh > 0 else { return }
        let allowedHours = corridor.lengthKm * options.roadFactor / options.roadSpeedKmh + options.slackHours
        let hours = Double(arrival - window.start) / 3600
        guard hours > allowedHours else { return }
        add(.lateArrival, at: corridor.destination, window.start, arrival, value: hours - allowedHours,
            points: range.count > 1 ? [range.upperBound - 1, range.lowerBound] : [range.lowerBound],
            ReasonText("route.late", ["late": .text(Text.fixed(hours - allowedHours, 1)), "hours": .text(Text.fixed(hours, 1)),
                                      "km": .text(Text.fixed(corridor.lengthKm, 0)), "corridor": .phrase(corridor.name),
                                      "allowed": .text(Text.fixed(allowedHours, 1))]))
    }
}

/// The five farthest positions of a run, farthest first (ties: earliest first).
private struct Farthest {
    var items: [(index: Int, distance: Double)] = []

    mutating func insert(_ index: Int, _ distance: Double) {
        guard items.count < 5 || distance > items[items.count - 1].distance else { return }
        var position = items.count
        while position > 0, items[position - 1].distance < distance { position -= 1 }
        items.insert((index: index, distance: distance), at: position)
        if items.count > 5 { items.removeLast() }
    }
}

/// Known facilities bucketed in a grid of cells about `radiusKm` high, so that "is there one within
/// `radiusKm`" looks at a few cells rather than every facility.
private struct FacilityGrid {
    let radiusKm: Double
    let cellDegrees: Double
    var cells: [Cell: [Coordinate]] = [:]

    struct Cell: Hashable {
        var lat: Int
        var lon: Int
    }

    /// Degrees of latitude per km, rounded up (1/111.195 exactly; a slightly larger search is harmless).
    static let degreesPerKm = 1 / 111.0

    init(_ facilities: [Coordinate], radiusKm: Double) {
        self.radiusKm = radiusKm.isFinite ? radiusKm : -1
        cellDegrees = max(self.radiusKm, 0.5) * Self.degreesPerKm
        guard self.radiusKm >= 0 else { return }
        for facility in facilities {
            guard let cell = cell(facility) else { continue }
            cells[cell, default: []].append(facility)
        }
    }

    private func cell(_ point: Coordinate) -> Cell? {
        guard point.lat.isFinite, point.lon.isFinite, abs(point.lat) <= 90, abs(point.lon) <= 360 else { return nil }
        return Cell(lat: Int((point.lat / cellDegrees).rounded(.down)), lon: Int((point.lon / cellDegrees).rounded(.down)))
    }

    func contains(near point: Coordinate) -> Bool {
        guard radiusKm >= 0, !cells.isEmpty, let centre = cell(point) else { return false }
        let latSpan = Int((radiusKm * Self.degreesPerKm / cellDegrees).rounded(.up))
        let cosine = max(cos(point.lat * .pi / 180), 0.01)
        let lonSpan = Int((radiusKm * Self.degreesPerKm / cosine / cellDegrees).rounded(.up))
        for dLat in -latSpan...latSpan {
            for dLon in -lonSpan...lonSpan {
                guard let bucket = cells[Cell(lat: centre.lat + dLat, lon: centre.lon + dLon)] else { continue }
                if bucket.contains(where: { Geo.distanceKm(point, $0) <= radiusKm }) { return true }
            }
        }
        return false
    }
}

/// Number and place formatting for the evidence sentences (no Foundation).
private enum Text {
    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * Double(scale)).rounded()
        guard value.isFinite, scaled < 9e15 else { return "\(value)" }
        let whole = Int64(scaled)
        var text = String(whole / scale)
        if digits > 0 {
            let fraction = String(whole % scale)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return (value < 0 && whole != 0 ? "-" : "") + text
    }

    static func place(_ point: Coordinate, _ digits: Int) -> String {
        "(\(fixed(point.lat, digits)), \(fixed(point.lon, digits)))"
    }
}
