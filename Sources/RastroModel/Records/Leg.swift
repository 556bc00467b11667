/// One vehicle moving goods from one place to another (`legs`).
public struct Leg: Sendable, Hashable {
    public var legID: String
    public var vehicleID: String
    /// UTC, normalized.
    public var departedAt: String
    public var arrivedAt: String?
    public var origin: Coordinate?
    public var destination: Coordinate?
    public var carrierName: String?
    public var transferID: String?
    public var consignmentID: String?

    public init(_ record: Record) throws {
        try record.expect(.legs)
        legID = record.id
        vehicleID = try record.required("vehicle_id")
        departedAt = try record.required("departed_at")
        arrivedAt = record.string("arrived_at")
        origin = Coordinate(lat: record.double("origin_lat"), lon: record.double("origin_lon"))
        destination = Coordinate(lat: record.double("destination_lat"), lon: record.double("destination_lon"))
        carrierName = record.string("carrier_name")
        transferID = record.string("transfer_id")
        consignmentID = record.string("consignment_id")
    }
}

/// A WGS84 position in decimal degrees.
public struct Coordinate: Sendable, Hashable, Codable {
    public var lat: Double
    public var lon: Double

    public init(lat: Double, lon: Double) {
        self.lat = lat
        self.lon = lon
    }

    /// A coordinate when both halves are present.
    public init?(lat: Double?, lon: Double?) {
        guard let lat, let lon else { return nil }
        self.init(lat: lat, lon: lon)
    }
}
