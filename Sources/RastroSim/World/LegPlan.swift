/// A vehicle trip before it is driven: where it starts and ends, what it carries (the record it
/// serves), and what happens on the way. `Tracks` turns it into positions.
struct LegPlan {
    var legID = ""
    /// Index of the carrier party.
    var carrier: Int
    var departure: Int
    var originLat: Double
    var originLon: Double
    /// The declared destination (what the leg record says).
    var destinationLat: Double
    var destinationLon: Double
    var transferID: String?
    var consignmentID: String?
    /// A stop at a lab on the way (the diversion), with its dwell.
    var labStop: (lat: Double, lon: Double, seconds: Int)?
    /// True when the trip is part of a scheme (for the truth).
    var diverting = false
    /// Carriers' telematics: false when the vehicle sends no GPS (checkpoints only).
    var gps = true
    var vehicleID = ""
    var arrival = 0
    /// Whether the leg record gives its arrival time and its destination.
    var reportsArrival = true
    var reportsDestination = true
}
