public import RastroModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Distances on the WGS84 sphere (mean Earth radius), good to a few metres at the scales Rastro
/// works at (a city, a road trip).
public enum Geo {
    public static let earthRadiusKm = 6371.0088

    /// Great-circle distance in kilometres (haversine).
    public static func distanceKm(_ a: Coordinate, _ b: Coordinate) -> Double {
        let toRadians = Double.pi / 180
        let dLat = (b.lat - a.lat) * toRadians, dLon = (b.lon - a.lon) * toRadians
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.lat * toRadians) * cos(b.lat * toRadians) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadiusKm * asin(min(1, sqrt(h)))
    }

    /// Distance in kilometres from `point` to the segment from `a` to `b`, on a local flat
    /// projection centred on the segment (the error is negligible for segments of a few hundred km).
    public static func distanceToSegmentKm(_ point: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Double {
        let toRadians = Double.pi / 180
        let latitude = (a.lat + b.lat) / 2 * toRadians
        func project(_ c: Coordinate) -> (Double, Double) {
            ((c.lon - a.lon) * toRadians * cos(latitude) * earthRadiusKm, (c.lat - a.lat) * toRadians * earthRadiusKm)
        }
        let (px, py) = project(point), (bx, by) = project(b)
        let length2 = bx * bx + by * by
        let t = length2 > 0 ? max(0, min(1, (px * bx + py * by) / length2)) : 0
        let dx = px - t * bx, dy = py - t * by
        return (dx * dx + dy * dy).squareRoot()
    }
}
