public import RastroModel

/// One vehicle's positions in time order, kept compact (a large world has millions of them).
public struct Track: Sendable, Hashable {
    public enum Source: UInt8, Sendable, Hashable {
        case gps, checkpoint, aerial, ais, other

        public init(_ text: String?) {
            switch text {
            case "gps", nil: self = .gps
            case "checkpoint": self = .checkpoint
            case "aerial": self = .aerial
            case "ais": self = .ais
            default: self = .other
            }
        }

        public var name: String {
            switch self {
            case .gps: "gps"
            case .checkpoint: "checkpoint"
            case .aerial: "aerial"
            case .ais: "ais"
            case .other: "other"
            }
        }
    }

    public var vehicleID: String
    /// Seconds since 1970-01-01T00:00:00Z, ascending (ties keep their input order).
    public var times: [Int64]
    public var lats: [Double]
    public var lons: [Double]
    public var sources: [Source]
    /// The reported speed in km/h; −1 where the position came without one (or with a negative or
    /// non-finite one).
    public var speeds: [Float]

    public init(vehicleID: String, times: [Int64] = [], lats: [Double] = [], lons: [Double] = [], sources: [Source] = [],
                speeds: [Float]? = nil) {
        self.vehicleID = vehicleID
        self.times = times
        self.lats = lats
        self.lons = lons
        self.sources = sources
        self.speeds = speeds ?? Array(repeating: -1, count: times.count)
    }

    public var count: Int { times.count }

    public func position(_ index: Int) -> Coordinate { Coordinate(lat: lats[index], lon: lons[index]) }

    /// The track point's record id, `VEHICLE@TIME` (time in UTC), as the contract names it.
    public func pointID(_ index: Int) -> String { vehicleID + "@" + Timestamp.format(epoch: times[index]) }

    /// The positions recorded in [start, end], as a range of indices (binary search).
    public func indices(from start: Int64, to end: Int64) -> Range<Int> {
        func lowerBound(_ value: Int64) -> Int {
            var low = 0, high = times.count
            while low < high {
                let middle = (low + high) / 2
                if times[middle] < value { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let first = lowerBound(start)
        var last = lowerBound(end)
        while last < times.count && times[last] == end { last += 1 }
        return first..<max(first, last)
    }

    /// Adds a position; call `sort()` afterwards if they did not come in time order.
    public mutating func append(time: Int64, lat: Double, lon: Double, source: Source, speedKmh: Double? = nil) {
        times.append(time)
        lats.append(lat)
        lons.append(lon)
        sources.append(source)
        speeds.append(speedKmh.flatMap { $0.isFinite && $0 >= 0 ? Float(min($0, 1e6)) : nil } ?? -1)
    }

    /// True when the position reported a speed of at most `kmh`.
    public func reportsStationary(_ index: Int, atMost kmh: Double) -> Bool {
        let speed = speeds[index]
        return speed >= 0 && Double(speed) <= kmh
    }

    /// Puts the positions in time order (stable).
    public mutating func sort() {
        guard zip(times, times.dropFirst()).contains(where: { $0 > $1 }) else { return }
        let order = times.indices.sorted { (times[$0], $0) < (times[$1], $1) }
        times = order.map { times[$0] }
        lats = order.map { lats[$0] }
        lons = order.map { lons[$0] }
        sources = order.map { sources[$0] }
        speeds = order.map { speeds[$0] }
    }
}
