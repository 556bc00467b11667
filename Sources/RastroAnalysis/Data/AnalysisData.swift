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
        try await store.scanTrackPoints(viewer: viewer) { page in
            for row in page {
                guard case .success(let time) = Timestamp.parseTimestamp(row.recordedAt) else { continue }
                tracks[row.vehicleID, default: Track(vehicleID: row.vehicleID)]
                    .append(time: Int64(time.epochSeconds.rounded(.down)), lat: row.lat, lon: row.lon, source: Track.Source(row.source))
            }
        }
        for key in Array(tracks.keys) { tracks[key]!.sort() }
        data.tracks = tracks
        return data
    }
}

/// Dates and times as days and seconds.
enum Clock {
    /// Days since 1970-01-01 of a `YYYY-MM-DD` date (or the date part of a timestamp).
    static func day(_ text: String) -> Int? {
        let bytes = Array(text.utf8.prefix(10))
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        return Timestamp.daysFromCivil(year: year, month: month, day: day)
    }

    static func epoch(_ text: String) -> Int64? {
        guard case .success(let parsed) = Timestamp.parseTimestamp(text) else { return nil }
        return Int64(parsed.epochSeconds.rounded(.down))
    }
}
