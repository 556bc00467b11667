/// A position of a vehicle: GPS telematics, a road checkpoint, an aerial sighting or AIS (`track_points`).
public struct TrackPoint: Sendable, Hashable {
    public var vehicleID: String
    /// UTC, normalized.
    public var recordedAt: String
    public var position: Coordinate
    public var source: String?
    public var speedKmh: Double?

    /// The record id: `vehicle_id@recorded_at` with the time in UTC.
    public var id: String { vehicleID + "@" + recordedAt }

    public init(_ record: Record) throws {
        try record.expect(.trackPoints)
        vehicleID = try record.required("vehicle_id")
        recordedAt = try record.required("recorded_at")
        position = Coordinate(lat: try record.requiredDouble("lat"), lon: try record.requiredDouble("lon"))
        source = record.string("source")
        speedKmh = record.double("speed_kmh")
    }
}
