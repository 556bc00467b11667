/// Drives the planned legs: assigns each to a free vehicle of its carrier, lays a road-like path
/// (through the cities a highway would pass, with bends), moves along it at road speeds with
/// stops, and samples GPS fixes with jitter and gaps, plus checkpoint records where the path
/// passes a checkpoint. Honest trips stop, detour and lose signal too; diverting ones stop at a
/// lab, and some go dark around it.
struct Tracks {
    let parameters: Parameters
    let geography: Geography
    /// Cities a highway route may pass through.
    let hubs: [Geography.City]
    /// Fixed checkpoints: the border crossings and a few inland posts.
    let checkpoints: [(lat: Double, lon: Double)]

    init(parameters: Parameters, geography: Geography, random: SimRandom) {
        self.parameters = parameters
        self.geography = geography
        hubs = geography.cities.filter { $0.population >= 120_000 }
        var random = random
        var posts = geography.crossings.map { ($0.lat, $0.lon) }
        let inland = geography.cities.filter { $0.population >= 60_000 && $0.population < 400_000 }
        for index in random.sample(min(14, inland.count), of: inland.count) {
            let city = inland[index]
            let post = Geography.offset(city.lat, city.lon, km: random.uniform(8, 20), bearing: random.uniform(0, 2 * .pi))
            posts.append((post.lat, post.lon))
        }
        checkpoints = posts
    }

    /// Gives every leg a vehicle (the carrier's first one free an hour before departure; a new
    /// one when none is) and its arrival time.
    func schedule(_ legs: inout [LegPlan], carriers: [Party], random: SimRandom) {
        let order = legs.indices.sorted { (legs[$0].departure, $0) < (legs[$1].departure, $1) }
        var fleets: [Int: [(id: String, free: Int)]] = [:]
        for index in order {
            var random = random.fork("route", index)
            let path = self.path(for: legs[index], random: &random)
            legs[index].arrival = legs[index].departure + path.duration
            let carrier = legs[index].carrier
            var fleet = fleets[carrier] ?? []
            if let slot = fleet.indices.first(where: { fleet[$0].free + 3_600 <= legs[index].departure }) {
                legs[index].vehicleID = fleet[slot].id
                fleet[slot].free = legs[index].arrival
            } else {
                let prefix = Names.stripAccents(carriers[carrier].name.words.last ?? "TR").uppercased().filter { $0.isLetter }.prefix(3)
                let id = "\(prefix)\(carrier)-\(WorldBuilder.pad(fleet.count + 1, 3))"
                fleet.append((id, legs[index].arrival))
                legs[index].vehicleID = id
            }
            fleets[carrier] = fleet
        }
    }

    struct Path {
        /// Way points with the seconds spent stopped at each (0 = drive through).
        var points: [(lat: Double, lon: Double, stop: Int, lab: Bool)]
        var speeds: [Double]
        var duration: Int
        /// Seconds into the trip of a signal gap, if any.
        var gap: ClosedRange<Int>?
    }

    func path(for leg: LegPlan, random: inout SimRandom) -> Path {
        var points: [(lat: Double, lon: Double, stop: Int, lab: Bool)] = [(leg.originLat, leg.originLon, 0, false)]
        let length = Geography.distanceKm(leg.originLat, leg.originLon, leg.destinationLat, leg.destinationLon)
        // Highways pass through cities: up to two near the straight line, in order along it.
        if length > 120 {
            var candidates: [(t: Double, city: Geography.City)] = []
            for city in hubs {
                let (t, off) = project(city.lat, city.lon, leg)
                if t > 0.15, t < 0.85, off < length * 0.12 { candidates.append((t, city)) }
            }
            candidates.sort { $0.t < $1.t }
            let take = min(candidates.count, length > 400 ? 2 : 1)
            for index in random.sample(take, of: candidates.count) {
                points.append((candidates[index].city.lat, candidates[index].city.lon, 0, false))
            }
        }
        if random.chance(parameters.honestDetour) || (leg.diverting && random.chance(parameters.honestDetour)) {
            let detour = Geography.offset((leg.originLat + leg.destinationLat) / 2, (leg.originLon + leg.destinationLon) / 2,
                                          km: max(5, length * random.uniform(0.1, 0.3)), bearing: random.uniform(0, 2 * .pi))
            points.insert((detour.lat, detour.lon, 0, false), at: random.int(1...points.count))
        }
        if let stop = leg.labStop {
            let (t, _) = project(stop.lat, stop.lon, leg)
            let position = points.indices.dropFirst().first { project(points[$0].lat, points[$0].lon, leg).t > t } ?? points.count
            points.insert((stop.lat, stop.lon, stop.seconds, true), at: position)
        }
        if random.chance(parameters.honestStops) {
            for _ in 0..<random.int(1...2) {
                let at = random.int(1...points.count)
                let a = points[at - 1]
                let b: (lat: Double, lon: Double) = at < points.count ? (points[at].lat, points[at].lon) : (leg.destinationLat, leg.destinationLon)
                let f = random.uniform(0.2, 0.8)
                points.insert((a.lat + (b.lat - a.lat) * f, a.lon + (b.lon - a.lon) * f, random.int(15...75) * 60, false), at: at)
            }
        }
        points.append((leg.destinationLat, leg.destinationLon, 0, false))
        var speeds: [Double] = []
        var duration = 0.0
        for index in 1..<points.count {
            let km = Geography.distanceKm(points[index - 1].lat, points[index - 1].lon, points[index].lat, points[index].lon) * 1.15
            let speed = km < 15 ? random.uniform(25, 45) : random.uniform(58, 88)
            speeds.append(speed)
            duration += km / speed * 3_600 + Double(points[index - 1].stop)
        }
        var gap: ClosedRange<Int>?
        let total = Int(duration)
        if leg.diverting, leg.labStop != nil, random.chance(parameters.darkDeviation) {
            // Dark from before the lab until after it.
            var elapsed = 0.0
            for index in 1..<points.count {
                if points[index].lab {
                    let km = Geography.distanceKm(points[index - 1].lat, points[index - 1].lon, points[index].lat, points[index].lon) * 1.15
                    let arriveLab = Int(elapsed + km / speeds[index - 1] * 3_600)
                    gap = max(0, arriveLab - random.int(10...40) * 60)...(arriveLab + points[index].stop + random.int(10...40) * 60)
                    break
                }
                let km = Geography.distanceKm(points[index - 1].lat, points[index - 1].lon, points[index].lat, points[index].lon) * 1.15
                elapsed += km / speeds[index - 1] * 3_600 + Double(points[index - 1].stop)
            }
        } else if random.chance(parameters.honestGap), total > 3_600 {
            let start = random.int(0...(total - 1_800))
            gap = start...(start + random.int(20...120) * 60)
        }
        return Path(points: points, speeds: speeds, duration: max(600, total), gap: gap)
    }

    /// Where (lat, lon) projects on the leg's straight line: position t (0…1) and distance off it (km).
    func project(_ lat: Double, _ lon: Double, _ leg: LegPlan) -> (t: Double, off: Double) {
        Self.project(lat, lon, from: (leg.originLat, leg.originLon), to: (leg.destinationLat, leg.destinationLon))
    }

    static func project(_ lat: Double, _ lon: Double, from a: (Double, Double), to b: (Double, Double)) -> (t: Double, off: Double) {
        let scale = _cos(a.0 * .pi / 180)
        let ax = a.1 * scale, ay = a.0
        let bx = b.1 * scale, by = b.0
        let px = lon * scale, py = lat
        let dx = bx - ax, dy = by - ay
        let length2 = dx * dx + dy * dy
        guard length2 > 0 else { return (0, ((px - ax) * (px - ax) + (py - ay) * (py - ay)).squareRoot() * 111.2) }
        let t = ((px - ax) * dx + (py - ay) * dy) / length2
        let cx = ax + t * dx, cy = ay + t * dy
        let off = ((px - cx) * (px - cx) + (py - cy) * (py - cy)).squareRoot() * 111.2
        return (t, off)
    }

    /// Drives one leg and hands each row (CSV bytes with the line break) to `emit`; returns
    /// sightings of the vehicle at a lab (for the observations).
    func drive(_ leg: LegPlan, index: Int, random: SimRandom, emit: (String) throws -> Void) throws
        -> [(lat: Double, lon: Double, time: Int, vehicle: String)] {
        var random = random.fork("route", index)
        let path = self.path(for: leg, random: &random)
        var drive = random.fork("drive", index)
        var sightings: [(lat: Double, lon: Double, time: Int, vehicle: String)] = []
        let interval = parameters.gpsInterval * 60
        let localTime = drive.chance(0.1)
        let vehicle = leg.vehicleID
        var sample = Double(drive.int(0...120))
        var segment = 0
        var segmentStart = 0.0
        var lastSecond = -1
        var seenCheckpoints: Set<Int> = []
        var line = ""
        line.reserveCapacity(96)
        // Timeline: each segment is a stop at its start point, then the drive to the next point.
        while segment < path.points.count - 1 {
            let from = path.points[segment], to = path.points[segment + 1]
            let km = Geography.distanceKm(from.lat, from.lon, to.lat, to.lon) * 1.15
            let driveSeconds = km / path.speeds[segment] * 3_600
            let segmentEnd = segmentStart + Double(from.stop) + driveSeconds
            if from.lab, drive.chance(0.15) {
                sightings.append((from.lat, from.lon, leg.departure + Int(segmentStart) + from.stop / 2, vehicle))
            }
            // Checkpoints this stretch passes within 2 km of, seen by the post 70 % of the time.
            var posts: [(time: Int, lat: Double, lon: Double)] = []
            for (post, checkpoint) in checkpoints.enumerated() where !seenCheckpoints.contains(post) {
                let (t, off) = Self.project(checkpoint.lat, checkpoint.lon, from: (from.lat, from.lon), to: (to.lat, to.lon))
                guard t >= 0, t <= 1, off < 2 else { continue }
                seenCheckpoints.insert(post)
                guard drive.chance(0.7) else { continue }
                posts.append((leg.departure + Int(segmentStart + Double(from.stop) + t * driveSeconds), checkpoint.lat, checkpoint.lon))
            }
            posts.sort { $0.time < $1.time }
            var nextPost = 0
            func emitPosts(until time: Int) throws {
                while nextPost < posts.count, posts[nextPost].time <= time {
                    let post = posts[nextPost]
                    nextPost += 1
                    guard post.time > lastSecond else { continue }
                    lastSecond = post.time
                    line.removeAll(keepingCapacity: true)
                    line += vehicle + "," + Format.timestamp(post.time) + "," + Format.fixed(post.lat, 5) + ","
                    line += Format.fixed(post.lon, 5) + ",checkpoint,,MX-GN,amber,MX\n"
                    try emit(line)
                }
            }
            while sample < segmentEnd {
                try emitPosts(until: leg.departure + Int(sample) - 1)
                let stopped = sample < segmentStart + Double(from.stop)
                var lat: Double, lon: Double, speed: Double
                if stopped {
                    lat = from.lat; lon = from.lon; speed = drive.uniform(0, 2)
                } else {
                    let f = (sample - segmentStart - Double(from.stop)) / max(1, driveSeconds)
                    // Roads bend: a gentle sideways wave on top of the straight line.
                    let bend = _sin(f * .pi * 3) * min(2.5, km * 0.02) / 111.2
                    lat = from.lat + (to.lat - from.lat) * f + bend
                    lon = from.lon + (to.lon - from.lon) * f - bend
                    speed = max(5, path.speeds[segment] + drive.normal(0, 8))
                }
                lat += drive.normal(0, 0.00013)
                lon += drive.normal(0, 0.00013)
                let second = leg.departure + Int(sample)
                let dark = path.gap.map { $0.contains(Int(sample)) } ?? false
                if leg.gps, !dark, second > lastSecond {
                    lastSecond = second
                    line.removeAll(keepingCapacity: true)
                    line += vehicle
                    line += ","
                    line += Format.timestamp(second, offsetMinutes: localTime ? -360 : 0)
                    line += ","
                    line += Format.fixed(lat, 5)
                    line += ","
                    line += Format.fixed(lon, 5)
                    line += ",gps,"
                    line += String(Int(speed.rounded()))
                    line += ",MX-SICT,amber,MX\n"
                    try emit(line)
                }
                sample += interval * drive.uniform(0.9, 1.1)
            }
            try emitPosts(until: Int.max)
            segmentStart = segmentEnd
            segment += 1
        }
        return sightings
    }
}
