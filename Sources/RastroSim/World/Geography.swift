import Foundation

/// Places the world is built on: Mexican cities (GeoNames), seaports and border crossings from the
/// project's copy of the offline geographic data, and a short table of foreign ports.
struct Geography: Sendable {
    struct City: Sendable, Hashable {
        var name: String
        var state: String
        var stateCode: String
        var lat: Double
        var lon: Double
        var population: Int
    }

    struct Place: Sendable, Hashable {
        var name: String
        var kind: String
        var main: Bool
        var state: String
        var lat: Double
        var lon: Double
        var locode: String
        /// For border crossings: the US side.
        var counterpart: String
        var counterpartLat: Double?
        var counterpartLon: Double?
    }

    struct ForeignPort: Sendable, Hashable {
        var locode: String
        var country: String
        var name: String
        /// A hub where goods are commonly transshipped.
        var hub: Bool
    }

    let cities: [City]
    let seaports: [Place]
    let crossings: [Place]

    static let foreignPorts: [ForeignPort] = [
        ForeignPort(locode: "CNSHA", country: "CN", name: "Shanghai", hub: false),
        ForeignPort(locode: "CNNGB", country: "CN", name: "Ningbo", hub: false),
        ForeignPort(locode: "CNTAO", country: "CN", name: "Qingdao", hub: false),
        ForeignPort(locode: "CNTSN", country: "CN", name: "Tianjin", hub: false),
        ForeignPort(locode: "CNSZX", country: "CN", name: "Shenzhen", hub: false),
        ForeignPort(locode: "INNSA", country: "IN", name: "Nhava Sheva", hub: false),
        ForeignPort(locode: "INMUN", country: "IN", name: "Mundra", hub: false),
        ForeignPort(locode: "DEHAM", country: "DE", name: "Hamburg", hub: false),
        ForeignPort(locode: "NLRTM", country: "NL", name: "Rotterdam", hub: false),
        ForeignPort(locode: "BEANR", country: "BE", name: "Antwerp", hub: false),
        ForeignPort(locode: "USHOU", country: "US", name: "Houston", hub: false),
        ForeignPort(locode: "USLGB", country: "US", name: "Long Beach", hub: false),
        ForeignPort(locode: "KRPUS", country: "KR", name: "Busan", hub: false),
        ForeignPort(locode: "JPYOK", country: "JP", name: "Yokohama", hub: false),
        ForeignPort(locode: "ESVLC", country: "ES", name: "Valencia", hub: false),
        ForeignPort(locode: "PABLB", country: "PA", name: "Balboa", hub: true),
        ForeignPort(locode: "PAMIT", country: "PA", name: "Manzanillo (Colón)", hub: true),
        ForeignPort(locode: "COCTG", country: "CO", name: "Cartagena", hub: true),
        ForeignPort(locode: "COBUN", country: "CO", name: "Buenaventura", hub: true),
        ForeignPort(locode: "GTSTC", country: "GT", name: "Santo Tomás de Castilla", hub: true),
        ForeignPort(locode: "SGSIN", country: "SG", name: "Singapore", hub: true),
    ]

    static func shipped() throws -> Geography {
        guard let citiesURL = Bundle.module.url(forResource: "mexico_cities", withExtension: "csv", subdirectory: "geo"),
              let placesURL = Bundle.module.url(forResource: "mexico_ports_crossings", withExtension: "csv", subdirectory: "geo")
        else { throw SimulationError("the simulator's geographic resources are missing from the build") }
        let cityRows = try SimpleCSV.rows(String(contentsOf: citiesURL, encoding: .utf8))
        let placeRows = try SimpleCSV.rows(String(contentsOf: placesURL, encoding: .utf8))
        var cities: [City] = []
        for row in cityRows {
            guard let lat = Double(row["lat"] ?? ""), let lon = Double(row["lon"] ?? ""),
                  let population = Int(row["population"] ?? ""), let name = row["name"], let state = row["state"]
            else { throw SimulationError("mexico_cities.csv: a row lacks lat, lon, population, name or state") }
            cities.append(City(name: name, state: state, stateCode: row["state_code"] ?? "", lat: lat, lon: lon, population: population))
        }
        var seaports: [Place] = []
        var crossings: [Place] = []
        for row in placeRows {
            guard let lat = Double(row["lat"] ?? ""), let lon = Double(row["lon"] ?? ""), let kind = row["kind"] else {
                throw SimulationError("mexico_ports_crossings.csv: a row lacks lat, lon or kind")
            }
            let place = Place(name: row["name"] ?? "", kind: kind, main: row["main"] == "1", state: row["state"] ?? "", lat: lat, lon: lon,
                              locode: row["unlocode"] ?? "", counterpart: row["counterpart"] ?? "",
                              counterpartLat: Double(row["counterpart_lat"] ?? ""), counterpartLon: Double(row["counterpart_lon"] ?? ""))
            switch kind {
            case "seaport" where !place.locode.isEmpty: seaports.append(place)
            case "border_crossing": crossings.append(place)
            default: break
            }
        }
        return Geography(cities: cities, seaports: seaports, crossings: crossings)
    }

    /// Great-circle distance in kilometres.
    static func distanceKm(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let radians = Double.pi / 180
        let dLat = (lat2 - lat1) * radians
        let dLon = (lon2 - lon1) * radians
        let a = _sin(dLat / 2) * _sin(dLat / 2) + _cos(lat1 * radians) * _cos(lat2 * radians) * _sin(dLon / 2) * _sin(dLon / 2)
        return 2 * 6371.0088 * _asin(min(1, a.squareRoot()))
    }

    /// A point `km` away from (lat, lon) in direction `bearing` (radians from north), on a flat
    /// local approximation (good to metres at these distances).
    static func offset(_ lat: Double, _ lon: Double, km: Double, bearing: Double) -> (lat: Double, lon: Double) {
        let dLat = km * _cos(bearing) / 110.574
        let dLon = km * _sin(bearing) / (111.320 * _cos(lat * Double.pi / 180))
        return (lat + dLat, lon + dLon)
    }
}

/// The simulator's own small CSV reader for its resources (RFC 4180 quoting).
enum SimpleCSV {
    static func rows(_ text: String) throws -> [[String: String]] {
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character?
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let following = iterator.next() {
                        if following == "\"" { field.append("\"") } else { quoted = false; pending = following }
                    } else { quoted = false }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",": record.append(field); field = ""
            case "\n", "\r\n":
                record.append(field); field = ""
                records.append(record); record = []
            case "\r": break
            default: field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        guard let header = records.first else { throw SimulationError("an empty resource file") }
        return records.dropFirst().map { values in
            var row: [String: String] = [:]
            for (index, name) in header.enumerated() where index < values.count { row[name] = values[index] }
            return row
        }
    }
}

/// A failure of the simulator (bad option, unwritable folder, missing resource).
public struct SimulationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
