public import RastroModel
public import RastroStore

/// Everything one analysis reads, as typed values, loaded once through the viewer.
public struct AnalysisData: Sendable {
    public var organizations: [Organization] = []
    public var consignments: [Consignment] = []
    public var transfers: [Transfer] = []
    public var legs: [Leg] = []
    /// Vehicle id → its positions in time order.
    public var tracks: [String: Track] = [:]
    public var usageReports: [UsageReport] = []
    public var observations: [Observation] = []
    public var incidents: [Incident] = []
    /// Records that could not be read as their kind (should not happen: the store holds only
    /// validated rows), by kind.
    public var unreadable: [String: Int] = [:]

    public init() {}

    /// Reads every current record the viewer may see.
    public static func load(from store: Store, viewer: Viewer, progress: (String) -> Void = { _ in }) async throws -> AnalysisData {
        var data = AnalysisData()
        func records(_ kind: Kind) async throws -> [Record] {
            var out: [Record] = []
            var after = ""
            while true {
                let page = try await store.currentRecords(kind, viewer: viewer, limit: 20_000, after: after)
                out += page
                guard page.count == 20_000, let last = page.last else { return out }
                after = last.id
            }
        }
        func typed<T>(_ kind: Kind, _ make: (Record) throws -> T) async throws -> [T] {
            progress(kind.rawValue)
            var out: [T] = []
            for record in try await records(kind) {
                if let value = try? make(record) { out.append(value) } else { data.unreadable[kind.rawValue, default: 0] += 1 }
            }
            return out
        }
        data.organizations = try await typed(.organizations, Organization.init)
        data.consignments = try await typed(.consignments, Consignment.init)
        data.transfers = try await typed(.transfers, Transfer.init)
        data.legs = try await typed(.legs, Leg.init)
        data.usageReports = try await typed(.usageReports, UsageReport.init)
        data.observations = try await typed(.observations, Observation.init)
        data.incidents = try await typed(.incidents, Incident.init)
        progress(Kind.trackPoints.rawValue)
        var tracks: [String: Track] = [:]
        // Points come vehicle by vehicle: fill one track at a time, and file it when the vehicle changes.
        var current = Track(vehicleID: "")
        func file() {
            guard current.count > 0 else { return }
            if var earlier = tracks[current.vehicleID] {
                for index in 0..<current.count {
                    earlier.append(time: current.times[index], lat: current.lats[index], lon: current.lons[index], source: current.sources[index],
                                   speedKmh: current.speeds[index] >= 0 ? Double(current.speeds[index]) : nil)
                }
                tracks[current.vehicleID] = earlier
            } else {
                tracks[current.vehicleID] = current
            }
        }
        try await store.scanTrackPoints(viewer: viewer) { page in
            for row in page {
                if row.vehicleID != current.vehicleID {
                    file()
                    current = Track(vehicleID: row.vehicleID)
                }
                current.append(time: row.time, lat: row.lat, lon: row.lon, source: Track.Source(row.source), speedKmh: row.speedKmh)
            }
        }
        file()
        for key in Array(tracks.keys) { tracks[key]!.sort() }
        data.tracks = tracks
        return data
    }
}

/// Dates as days.
enum Clock {
    /// Days since 1970-01-01 of a `YYYY-MM-DD` date, or nil when the text is not one.
    static func day(_ text: String) -> Int? {
        var parts = (0, 0, 0)
        var position = 0
        for byte in text.utf8 {
            switch position {
            case 4, 7:
                guard byte == 0x2D else { return nil }
            case 0..<10:
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                let digit = Int(byte - 0x30)
                if position < 4 { parts.0 = parts.0 * 10 + digit } else if position < 7 { parts.1 = parts.1 * 10 + digit } else { parts.2 = parts.2 * 10 + digit }
            default:
                return nil
            }
            position += 1
        }
        guard position == 10, (1...12).contains(parts.1), (1...31).contains(parts.2) else { return nil }
        return Timestamp.daysFromCivil(year: parts.0, month: parts.1, day: parts.2)
    }
}
