public import Foundation
import RastroModel

/// Temporary folders of input files.
public enum Fixtures {
    /// Writes `files` (name → content) into a new temporary folder and returns its path.
    public static func folder(_ files: [String: String]) throws -> String {
        let folder = TestScratch.path("fixture")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, content) in files {
            try Data(content.utf8).write(to: folder.appendingPathComponent(name))
        }
        return folder.path
    }

    /// Writes one file and returns its path.
    public static func file(_ name: String, _ content: String) throws -> String {
        (try folder([name: content]) as NSString).appendingPathComponent(name)
    }

    public static func file(_ name: String, bytes: [UInt8]) throws -> String {
        let path = (try folder([:]) as NSString).appendingPathComponent(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The package's root folder (for `Examples/`).
    public static var packageRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }

    /// A contract-v1 track points CSV with `count` rows for `vehicles` vehicles.
    public static func trackPoints(count: Int, vehicles: Int = 50, path: String) throws {
        var text = "vehicle_id,recorded_at,lat,lon,source,speed_kmh\n"
        text.reserveCapacity(count * 64)
        let perVehicle = max(1, count / vehicles)
        for index in 0..<count {
            let vehicle = index / perVehicle
            let minute = index % perVehicle
            let stamp = Timestamp.format(epoch: Int64(1_772_460_000 + minute * 60))
            text += "TRK-\(vehicle),\(stamp),\(19.0 + Double(minute % 1000) * 0.001),\(-103.0 - Double(vehicle) * 0.01),gps,\(minute % 90)\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}
