/// A field or aerial report that is not a position of a known vehicle (`observations`).
public struct Observation: Sendable, Hashable {
    public var observationID: String
    public var observedAt: String
    public var position: Coordinate
    public var kind: String
    /// In [0, 1].
    public var confidence: Double?
    public var source: String?
    public var description: String?
    public var vehicleID: String?

    public init(_ record: Record) throws {
        try record.expect(.observations)
        observationID = record.id
        observedAt = try record.required("observed_at")
        position = Coordinate(lat: try record.requiredDouble("lat"), lon: try record.requiredDouble("lon"))
        kind = try record.required("kind")
        confidence = record.double("confidence")
        source = record.string("source")
        description = record.string("description")
        vehicleID = record.string("vehicle_id")
    }
}
