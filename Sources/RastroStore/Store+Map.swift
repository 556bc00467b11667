import Foundation
public import RastroModel

/// A bounding box in degrees (WGS84), west to east and south to north.
public struct MapBox: Sendable, Hashable {
    public var minLon: Double
    public var minLat: Double
    public var maxLon: Double
    public var maxLat: Double

    public init(minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) {
        self.minLon = minLon
        self.minLat = minLat
        self.maxLon = maxLon
        self.maxLat = maxLat
    }

    /// `minLon,minLat,maxLon,maxLat`, as Leaflet's `toBBoxString()` writes it; nil when it is not
    /// four finite numbers in range with the minimum first.
    public init?(_ text: String) {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let west = parts[0], let south = parts[1], let east = parts[2], let north = parts[3],
              [west, south, east, north].allSatisfy(\.isFinite), west <= east, south <= north else { return nil }
        self.init(minLon: max(-180, west), minLat: max(-90, south), maxLon: min(180, east), maxLat: min(90, north))
    }

    public func contains(lat: Double, lon: Double) -> Bool {
        lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon
    }
}

/// One position on the map: its record id (`VEHICLE@TIME`) and where it is.
public struct MapPoint: Sendable, Hashable {
    public var id: String
    public var lat: Double
    public var lon: Double
}

/// One leg on the map: its ends, times, what it carried and its TLP.
public struct MapLeg: Sendable {
    public var id: String
    public var vehicle: String?
    public var departed: String?
    public var arrived: String?
    public var transfer: String?
    public var consignment: String?
    public var tlp: TLP
    public var from: (lat: Double, lon: Double)?
    public var to: (lat: Double, lon: Double)?
}

/// Which one-degree cells (as `Store.mapCellSQL` numbers them) hold any position or leg end, of
/// any version and marking, as of `stamp` (`Store.dataStamp`): an upper bound of what a viewer may
/// see there. A box's reads skip the cells that hold nothing, and the counts tell a read of positions
/// how large a sample to start with and how to read it (docs/benchmarks.md, map).
public struct MapOccupancy: Sendable {
    public var stamp: String
    /// Cell → how many rows (of any version and marking) have a position or leg end there.
    public var points: [Int: Int]
    public var legOrigins: [Int: Int]
    public var legDestinations: [Int: Int]
}

/// What a bounding box holds, as much as the caller asked for: everything, or a spread-out sample
/// when there is more (`complete` false), with an estimate of how many there are in all.
public struct MapSample<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Every visible item in the box is in `items`.
    public var complete: Bool
    /// How many visible items the box holds (exact when `complete`, else estimated from the sample).
    public var estimatedTotal: Int
}

extension Store {
    /// Values of `content_hash % 1024` in the order the map reads them: 0, 1, −1, 2, −2, …
    /// (0 holds about twice the rows of any other value: it takes both signs).
    static let mapBuckets: [Int64] = [0] + (1..<1024).flatMap { [Int64($0), -Int64($0)] }

    /// The cells that hold any position or leg end now, with their rows (a scan of the map's
    /// indexes: seconds on millions of positions; the server keeps the answer until the next load).
    public func mapOccupancy() async throws -> MapOccupancy {
        // The stamp first: a load that commits while the cells are read changes it, so the
        // answer is never kept for data it may not include.
        let stamp = try await dataStamp()
        func cells(_ table: String, _ lat: String, _ lon: String) async throws -> [Int: Int] {
            let cell = Self.mapCellSQL(dialect, lat: lat, lon: lon)
            let rows = try await connection.query("""
                SELECT \(cell) AS cell, COUNT(*) AS n FROM \(table) WHERE \(lat) IS NOT NULL AND \(lon) IS NOT NULL GROUP BY 1
                """, [])
            var counts: [Int: Int] = [:]
            for row in rows { if let cell = row.values[0].integer { counts[Int(cell)] = Int(row.values[1].integer ?? 0) } }
            return counts
        }
        return MapOccupancy(stamp: stamp, points: try await cells("track_points", "lat", "lon"),
                            legOrigins: try await cells("legs", "origin_lat", "origin_lon"),
                            legDestinations: try await cells("legs", "destination_lat", "destination_lon"))
    }

    /// The visible current positions inside `box`: all of them when there are at most `limit`,
    /// else about `limit` of them spread over the box (a hash sample, the same for every request).
    /// `occupancy`, when current, lets the read skip the box's empty cells and size its sample.
    ///
    /// The index (0013) is led by the one-degree cell, then the bucket `content_hash & 1023`. A
    /// sample takes the buckets below a bound, read either as one range per cell (every row of
    /// those buckets in the cell, inside the box or not) or bucket by bucket with the box's
    /// latitudes (a seek each): whichever reads less, by the cells' counts. A small view in a dense
    /// cell (a street in Mexico City: 27,000 of the cell's 600,000 positions) seeks; a state seeks
    /// each cell once.
    public func trackPoints(in box: MapBox, limit: Int, viewer: Viewer, occupancy: MapOccupancy? = nil) async throws -> MapSample<MapPoint> {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let boxBinds: [SQLValue] = [.double(box.minLat), .double(box.maxLat), .double(box.minLon), .double(box.maxLon)]
        let cell = Self.mapCellSQL(dialect, lat: "lat", lon: "lon")
        // The index is led by the cell: up to a country's worth of them are sought one by one.
        let cells = Self.mapCells(box, occupied: occupancy.map { Set($0.points.keys) }, limit: 2_000)
        if cells?.isEmpty == true { return MapSample(items: [], complete: true, estimatedTotal: 0) }
        let cellFilter = Self.cellCondition(cells, box, cell: cell)
        // Rows in the box's cells, and about how many inside the box (each cell's share of area).
        var inCellRows = 0.0, inBoxRows = 0.0
        if let counts = occupancy?.points {
            for cell in cells ?? Array(counts.keys) {
                guard let rows = counts[cell].map(Double.init) else { continue }
                let south = Double(cell / 1000) - 90, west = Double(cell % 1000) - 180
                let overlap = max(0, min(box.maxLat, south + 1) - max(box.minLat, south)) * max(0, min(box.maxLon, west + 1) - max(box.minLon, west))
                inCellRows += rows
                inBoxRows += rows * min(1, overlap)
            }
        }
        // Without a list (a box of over 2,000 cells), a range of cells: as many seeks as a country's.
        let cellCount = Double(cells?.count ?? 1_000)
        // A first batch that should not overshoot the limit (the rows counted include versions and
        // markings the viewer may not see): the rest follows at the density found.
        let first = occupancy == nil ? 4 : max(1, min(1024, Int((1024 * Double(max(0, limit)) * 0.9 / max(1, inBoxRows)).rounded(.down))))
        return try await sampled(limit: limit, buckets: Self.cellBuckets, share: { _ in 1.0 / 1024 }, first: first) { batch, cap in
            // Cost in row reads, a seek counted as 20: a range per cell reads all its rows of the
            // batch's buckets; a seek per bucket and cell reads only the box's.
            let fraction = Double(batch.count) / 1024
            let perCell = cellCount * 20 + inCellRows * fraction
            let perBucket = Double(batch.count) * cellCount * 20 + inBoxRows * fraction
            let buckets = occupancy != nil && perCell <= perBucket
                ? " AND (content_hash & 1023) BETWEEN \(batch.first!) AND \(batch.last!)"
                : " AND (content_hash & 1023) IN (" + batch.map(String.init).joined(separator: ",") + ")"
            let rows = try await connection.query("""
                SELECT record_id, lat, lon FROM track_points
                WHERE \(cellFilter)\(buckets) AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?
                AND is_current = 1 AND \(predicate) LIMIT \(cap)
                """, boxBinds + binds)
            return rows.map { MapPoint(id: $0.values[0].text ?? "", lat: $0.values[1].double ?? 0, lon: $0.values[2].double ?? 0) }
        }
    }

    /// The buckets of `content_hash & 1023` (0013), in order.
    static let cellBuckets: [Int64] = Array(0..<1024)

    /// A position's one-degree cell, as the indexes of 0011 and 0013 compute it in each dialect (latitude
    /// and longitude are shifted to be positive, so SQLite's truncation is PostgreSQL's floor).
    static func mapCellSQL(_ dialect: SQLDialect, lat: String, lon: String) -> String {
        dialect == .sqlite ? "(CAST(\(lat) + 90 AS INTEGER) * 1000 + CAST(\(lon) + 180 AS INTEGER))"
            : "(floor(\(lat) + 90)::integer * 1000 + floor(\(lon) + 180)::integer)"
    }

    /// ` AND <cell> IN (…)` for the box's cells (only those in `occupied`, when given); when they
    /// are too many (see `mapCells`), the range from its south-west cell to its north-east one: one
    /// seek per hash value, reading the box's latitude band (an empty box then costs little, as it
    /// did before the cells). Nil when `occupied` says the box holds nothing.
    static func inMapCells(_ box: MapBox, dialect: SQLDialect, lat: String, lon: String, occupied: Set<Int>? = nil) -> String? {
        let cells = mapCells(box, occupied: occupied)
        if cells?.isEmpty == true { return nil }
        return " AND " + cellCondition(cells, box, cell: mapCellSQL(dialect, lat: lat, lon: lon))
    }

    /// `cell` (an SQL expression) is one of `cells`, or, without a list, in the box's range of cells.
    static func cellCondition(_ cells: [Int]?, _ box: MapBox, cell: String) -> String {
        guard let cells else {
            let range = mapCellRange(box)
            return "\(cell) BETWEEN \(range.low) AND \(range.high)"
        }
        return "\(cell) IN (" + cells.map(String.init).joined(separator: ",") + ")"
    }

    /// The cells of a box's south-west and north-east corners: every cell of the box is between
    /// them (with the rest of its latitudes' rows).
    static func mapCellRange(_ box: MapBox) -> (low: Int, high: Int) {
        (Int((box.minLat + 90).rounded(.down)) * 1000 + Int((box.minLon + 180).rounded(.down)),
         Int((box.maxLat + 90).rounded(.down)) * 1000 + Int((box.maxLon + 180).rounded(.down)))
    }

    /// The cells a box covers (as `mapCellSQL` numbers them) that are in `occupied` (all when
    /// nil), or nil when they are more than `limit`: a view of a country needs only a few hash
    /// values, and reading each whole costs less than a seek per cell and value (measured:
    /// scripts/bench/map_sql_ab.py).
    @_spi(Testing) public static func mapCells(_ box: MapBox, occupied: Set<Int>? = nil, limit: Int = 200) -> [Int]? {
        let (south, north) = (Int((box.minLat + 90).rounded(.down)), Int((box.maxLat + 90).rounded(.down)))
        let (west, east) = (Int((box.minLon + 180).rounded(.down)), Int((box.maxLon + 180).rounded(.down)))
        if let occupied, occupied.count <= limit || (north - south + 1) * (east - west + 1) <= 4 * limit {
            let cells = occupied.filter { ($0 / 1000) >= south && ($0 / 1000) <= north && ($0 % 1000) >= west && ($0 % 1000) <= east }.sorted()
            return cells.count <= limit ? cells : nil
        }
        guard (north - south + 1) * (east - west + 1) <= limit else { return nil }
        return (south...north).flatMap { row in (west...east).map { row * 1000 + $0 } }
    }

    /// The visible current legs that start or end inside `box`, sampled like `trackPoints(in:)`:
    /// only the columns the map draws (none of them personal, see `Redactor`), not whole records.
    public func legs(in box: MapBox, limit: Int, viewer: Viewer, occupancy: MapOccupancy? = nil) async throws -> MapSample<MapLeg> {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let boxBinds: [SQLValue] = [.double(box.minLat), .double(box.maxLat), .double(box.minLon), .double(box.maxLon)]
        // The legs that start in the box, and those that end in it (the box's occupied cells of each).
        let ends = [("origin_lat", "origin_lon", occupancy.map { Set($0.legOrigins.keys) }),
                    ("destination_lat", "destination_lon", occupancy.map { Set($0.legDestinations.keys) })]
            .compactMap { lat, lon, occupied in Self.inMapCells(box, dialect: dialect, lat: lat, lon: lon, occupied: occupied).map { (lat, lon, $0) } }
        guard !ends.isEmpty else { return MapSample(items: [], complete: true, estimatedTotal: 0) }
        return try await sampled(limit: limit, buckets: Self.mapBuckets, share: { $0 == 0 ? 2.0 / 2048 : 1.0 / 2048 }, first: 4) { batch, cap in
            // The ids from the indexes (which carry the marking), then only those legs.
            let buckets = batch.map(String.init).joined(separator: ",")
            let arms = ends.map { lat, lon, cells in
                """
                SELECT record_id FROM legs WHERE (content_hash % 1024) IN (\(buckets))\(cells)
                AND \(lat) BETWEEN ? AND ? AND \(lon) BETWEEN ? AND ? AND is_current = 1 AND \(predicate)
                """
            }
            let rows = try await connection.query("""
                SELECT record_id, vehicle_id, departed_at, arrived_at, transfer_id, consignment_id, tlp,
                origin_lat, origin_lon, destination_lat, destination_lon FROM legs
                WHERE record_id IN (\(arms.joined(separator: " UNION "))) AND is_current = 1 LIMIT \(cap)
                """, Array(repeating: boxBinds + binds, count: arms.count).flatMap { $0 })
            return rows.map { row in
                let value = row.values
                func place(_ lat: Int, _ lon: Int) -> (lat: Double, lon: Double)? {
                    guard let latitude = value[lat].double, let longitude = value[lon].double else { return nil }
                    return (latitude, longitude)
                }
                return MapLeg(id: value[0].text ?? "", vehicle: value[1].text, departed: value[2].text, arrived: value[3].text,
                              transfer: value[4].text, consignment: value[5].text, tlp: TLP(rawValue: value[6].text ?? "") ?? .red,
                              from: place(7, 8), to: place(9, 10))
            }
        }
    }

    /// The visible current positions of `vehicle` recorded from `start` to `end` (seconds since
    /// 1970, both included), in time order, at most `limit`. Track point ids are `VEHICLE@TIME`
    /// in UTC, so this is a range of the primary key.
    public func trackPoints(vehicle: String, from start: Int64, to end: Int64, limit: Int, viewer: Viewer) async throws -> [Record] {
        let (predicate, binds) = AccessPolicy.predicate(for: viewer, dialect: dialect)
        let low = vehicle + "@" + Timestamp.format(epoch: start)
        // A fraction of the last second sorts before its "Z" ('.' < 'Z').
        let high = vehicle + "@" + Timestamp.format(epoch: end)
        let rows = try await connection.query("""
            SELECT * FROM track_points WHERE record_id >= ? AND record_id <= ? AND is_current = 1 AND \(predicate)
            ORDER BY record_id LIMIT \(max(0, limit))
            """, [.text(low), .text(high)] + binds)
        let redactor = try await redactor(for: viewer)
        return rows.map { redactor.redacted(Self.record(.trackPoints, $0)) }
    }

    /// Reads hash buckets (`buckets`, in that order; `share` is the part of the rows each holds),
    /// `first` of them at first and then as many as the density seen so far says `limit` needs,
    /// until `limit` items are found or every bucket is read. `fetch` gets a batch of buckets and
    /// the most rows it should return.
    private func sampled<Item>(limit: Int, buckets: [Int64], share: (Int64) -> Double, first: Int,
                               fetch: (ArraySlice<Int64>, Int) async throws -> [Item]) async throws -> MapSample<Item> {
        let wanted = max(0, limit)
        var items: [Item] = []
        var read = 0, covered = 0.0, next = max(1, first)
        while read < buckets.count && items.count < wanted {
            let batch = buckets[read..<min(buckets.count, read + next)]
            items += try await fetch(batch, 2 * wanted + 1)
            covered += batch.reduce(0.0) { $0 + share($1) }
            read += batch.count
            // Buckets still needed at the density seen so far, a tenth more for the scatter.
            let perBucket = Double(items.count) / Double(read)
            next = perBucket > 0 ? Int((Double(wanted - items.count) / perBucket * 1.1).rounded(.up)) : read * 8
            next = max(1, next)
        }
        let complete = read >= buckets.count && items.count <= wanted
        let estimate = complete ? items.count : Int((Double(items.count) / max(covered, 1.0 / 2048)).rounded())
        let total = max(estimate, items.count)
        return MapSample(items: Self.thinned(items, to: wanted), complete: complete, estimatedTotal: total)
    }

    /// `items` thinned evenly to at most `count`, not cut at the end: a box's rows come in index
    /// order (by cell, north last), so cutting would drop the north of the view.
    @_spi(Testing) public static func thinned<Item>(_ items: [Item], to count: Int) -> [Item] {
        guard items.count > count else { return items }
        return (0..<max(0, count)).map { items[$0 * items.count / count] }
    }
}
