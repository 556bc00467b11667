import Foundation
import RastroAnalysis
import RastroModel
import Testing

/// Hand-built legs on a 300 km north–south corridor from (19.0, -103.0).
@Suite struct RouteAnalysisTests {
    static let kmPerDegree = Geo.earthRadiusKm * Double.pi / 180
    static let lat0 = 19.0, lon0 = -103.0
    /// 2026-03-02T08:00:00Z.
    static let t0 = Int64(Timestamp.daysFromCivil(year: 2026, month: 3, day: 2)) * 86_400 + 8 * 3600
    static let origin = point(0, 0)
    static let destination = point(300, 0)

    /// `alongKm` north of the origin and `offKm` east of the corridor.
    static func point(_ alongKm: Double, _ offKm: Double) -> Coordinate {
        let lat = lat0 + alongKm / kmPerDegree
        return Coordinate(lat: lat, lon: lon0 + offKm / (kmPerDegree * cos(lat * .pi / 180)))
    }

    static func time(_ minutes: Double) -> Int64 { t0 + Int64((minutes * 60).rounded()) }

    /// A leg built the way ingest builds it, through a `Record`.
    static func leg(_ id: String = "LEG-1", vehicle: String = "TRK-1", departed: Int64? = nil, departedText: String? = nil,
                    arrivedMinutes: Double?,
                    origin: Coordinate? = RouteAnalysisTests.origin,
                    destination: Coordinate? = RouteAnalysisTests.destination) throws -> Leg {
        let schema = Kind.legs.schema
        var values = [FieldValue](repeating: .null, count: schema.fields.count)
        func set(_ name: String, _ value: FieldValue) {
            if let index = schema.index(of: name) { values[index] = value }
        }
        set("leg_id", .text(id))
        set("vehicle_id", .text(vehicle))
        set("departed_at", .text(departedText ?? Timestamp.format(epoch: departed ?? t0)))
        if let arrivedMinutes { set("arrived_at", .text(Timestamp.format(epoch: time(arrivedMinutes)))) }
        if let origin {
            set("origin_lat", .number(origin.lat))
            set("origin_lon", .number(origin.lon))
        }
        if let destination {
            set("destination_lat", .number(destination.lat))
            set("destination_lon", .number(destination.lon))
        }
        set("transfer_id", .text("TR-1"))
        return try Leg(Record(kind: .legs, id: id, values: values, marking: Marking(tlp: .green, originator: "MX-SAT"), line: 1))
    }

    /// Samples (minutes after t0, km along, km off) as a track.
    static func track(_ samples: [(Double, Double, Double)], vehicle: String = "TRK-1") -> Track {
        var track = Track(vehicleID: vehicle)
        for (minutes, along, off) in samples {
            let position = point(along, off)
            track.append(time: time(minutes), lat: position.lat, lon: position.lon, source: .gps)
        }
        return track
    }

    /// Driving straight from one point to another, one sample every `every` minutes, both ends included.
    static func drive(_ fromMinute: Double, _ toMinute: Double, along: (Double, Double), off: (Double, Double) = (0, 0),
                      every: Double = 10) -> [(Double, Double, Double)] {
        let steps = max(1, Int(((toMinute - fromMinute) / every).rounded()))
        return (0...steps).map { step in
            let f = Double(step) / Double(steps)
            return (fromMinute + f * (toMinute - fromMinute), along.0 + f * (along.1 - along.0), off.0 + f * (off.1 - off.0))
        }
    }

    /// Standing still (within 100 m) from one minute to another, one sample every 5 minutes.
    static func stop(_ fromMinute: Double, _ toMinute: Double, at along: Double, _ off: Double) -> [(Double, Double, Double)] {
        drive(fromMinute, toMinute, along: (along, along + 0.05), off: (off, off + 0.05), every: 5)
    }

    static func analyze(_ legs: [Leg], _ track: Track, facilities: [Coordinate] = [],
                        options: RouteOptions = RouteOptions()) -> [RouteEvidence] {
        RouteAnalysis.analyze(legs: legs, tracks: [track.vehicleID: track], facilities: facilities, options: options)
    }

    /// 300 km in 5 h, a sample every 10 min.
    static let honest = track(drive(0, 300, along: (0, 300)))

    @Test func honestTripGivesNoEvidence() throws {
        #expect(Self.analyze([try Self.leg(arrivedMinutes: 300)], Self.honest).isEmpty)
    }

    @Test func detourBeyondTheCorridorFires() throws {
        // 300 km corridor: the limit is max(8, 0.12 × 300) = 36 km.
        let detourPoints: [(Double, Double, Double)] = [(130, 130, 40), (140, 140, 50), (150, 150, 40)]
        let detour = Self.drive(0, 120, along: (0, 120)) + detourPoints
            + Self.drive(160, 300, along: (160, 300))
        let track = Self.track(detour)
        let evidence = Self.analyze([try Self.leg(arrivedMinutes: 300)], track)
        #expect(evidence.map(\.kind) == [.offCorridor])
        let off = try #require(evidence.first)
        #expect(abs(off.value - 50) < 0.5)
        #expect(off.pointIDs.first == "TRK-1@" + Timestamp.format(epoch: Self.time(140)))
        #expect(off.pointIDs.count == 3)
        #expect(off.start == Self.time(130) && off.end == Self.time(150))
        #expect(abs(off.lat - Self.point(140, 50).lat) < 1e-9 && abs(off.lon - Self.point(140, 50).lon) < 1e-9)
        #expect(off.legID == "LEG-1" && off.vehicleID == "TRK-1")
        #expect(off.detail.hasPrefix("went 50.0 km off the (19.00, -103.00)–(21.70, -103.00) corridor"))
        #expect(off.detail.hasSuffix("3 positions off-route over 20 min"))
    }

    @Test func twentyKilometreDetourFiresOnlyOnANarrowCorridor() throws {
        let detourPoints: [(Double, Double, Double)] = [(135, 135, 20), (150, 150, 20)]
        let track = Self.track(Self.drive(0, 120, along: (0, 120)) + detourPoints
            + Self.drive(165, 300, along: (165, 300)))
        let leg = try Self.leg(arrivedMinutes: 300)
        // Within the default 36 km limit of a 300 km leg.
        #expect(Self.analyze([leg], track).isEmpty)
        var narrow = RouteOptions()
        narrow.corridorFraction = 0.05  // limit 15 km
        let evidence = Self.analyze([leg], track, options: narrow)
        #expect(evidence.map(\.kind) == [.offCorridor])
        #expect(abs((evidence.first?.value ?? 0) - 20) < 0.5)
    }

    /// Drives to 15 km off the corridor at km 150, stands still for `minutes`, and drives on.
    static func stopOffRoute(minutes: Double) -> Track {
        track(drive(0, 150, along: (0, 150)) + drive(160, 170, along: (150, 150), off: (5, 12), every: 10)
            + stop(175, 175 + minutes, at: 150, 15) + drive(185 + minutes, 335 + minutes, along: (150, 300)))
    }

    @Test func stopOffRouteIsADwell() throws {
        let leg = try Self.leg(arrivedMinutes: 380)
        let evidence = Self.analyze([leg], Self.stopOffRoute(minutes: 45))
        #expect(evidence.map(\.kind) == [.dwell])
        let dwell = try #require(evidence.first)
        #expect(abs(dwell.value - 45) < 0.01)
        #expect(Geo.distanceKm(Coordinate(lat: dwell.lat, lon: dwell.lon), Self.point(150, 15)) < 0.2)
        #expect(dwell.pointIDs.first == "TRK-1@" + Timestamp.format(epoch: Self.time(175)))
        #expect(dwell.pointIDs.count == 5)
        #expect(dwell.detail.hasPrefix("stopped 45 min 15.0 km off the"))
        // A 20-minute stop is not one.
        #expect(Self.analyze([try Self.leg(arrivedMinutes: 355)], Self.stopOffRoute(minutes: 20)).isEmpty)
    }

    /// A track sampled every 20 minutes with the speeds the device reported (nil: none).
    static func sparse(_ samples: [(minutes: Double, along: Double, off: Double, kmh: Double?)]) -> Track {
        var track = Track(vehicleID: "TRK-1")
        for sample in samples {
            let position = point(sample.along, sample.off)
            track.append(time: time(sample.minutes), lat: position.lat, lon: position.lon, source: .gps, speedKmh: sample.kmh)
        }
        return track
    }

    @Test func aFixReportedStationaryIsAStop() throws {
        let leg = try Self.leg(arrivedMinutes: 380)
        // One fix at 0 km/h 15 km off the corridor between fixes 20 minutes apart: too short for a dwell.
        let before = stride(from: 0.0, through: 140, by: 20).map { (minutes: $0, along: $0 * 140 / 140, off: 0.0, kmh: Double?(70)) }
        let after = stride(from: 180.0, through: 320, by: 20).map { (minutes: $0, along: 160 + ($0 - 180), off: 0.0, kmh: Double?(70)) }
        func trip(_ kmh: Double?, off: Double = 15) -> Track {
            Self.sparse(before + [(160, 150, off, kmh)] + after)
        }
        let evidence = Self.analyze([leg], trip(0))
        #expect(evidence.map(\.kind) == [.stop])
        let stop = try #require(evidence.first)
        #expect(Geo.distanceKm(Coordinate(lat: stop.lat, lon: stop.lon), Self.point(150, 15)) < 0.01)
        #expect(stop.value == 0)
        #expect(stop.pointIDs.first == "TRK-1@" + Timestamp.format(epoch: Self.time(160)))
        #expect(stop.detail.hasPrefix("reported stationary (0 km/h) 15.0 km off the"))
        // Moving, or no speed reported: nothing (the corridor is 36 km wide here).
        #expect(Self.analyze([leg], trip(40)).isEmpty)
        #expect(Self.analyze([leg], trip(nil)).isEmpty)
        // Edge: exactly at the threshold is stationary; at a known facility it is ordinary.
        #expect(Self.analyze([leg], trip(3)).map(\.kind) == [.stop])
        #expect(Self.analyze([leg], trip(0), facilities: [Self.point(150.2, 15)]).isEmpty)
        // A run long enough to be a dwell stays a dwell, whatever the speeds say.
        let long = Self.sparse(before + [(160, 150, 15, 0), (190, 150.05, 15, 0)] + after.map { ($0.minutes + 30, $0.along, $0.off, $0.kmh) })
        #expect(Self.analyze([try Self.leg(arrivedMinutes: 380)], long).map(\.kind) == [.dwell])
    }

    @Test func stopNearAFacilityOrTheDestinationIsOrdinary() throws {
        let leg = try Self.leg(arrivedMinutes: 380)
        let track = Self.stopOffRoute(minutes: 45)
        #expect(Self.analyze([leg], track, facilities: [Self.point(150.25, 15)]).isEmpty)
        #expect(Self.analyze([leg], track, facilities: [Self.point(151, 15), Self.point(0, 0)]).map(\.kind) == [.dwell])
        // Edge: a registered company 400 m away is a neighbour in a city, not the place of the stop
        // (0.3 km; with 0.5 km, a lab between two registered firms hid every stop made at it).
        #expect(Self.analyze([leg], track, facilities: [Self.point(150.4, 15)]).map(\.kind) == [.dwell])
        // 45 minutes at the destination before the arrival time.
        let atDestination = Self.track(Self.drive(0, 300, along: (0, 300)) + Self.stop(305, 350, at: 300, 0))
        #expect(Self.analyze([try Self.leg(arrivedMinutes: 350)], atDestination).isEmpty)
        // The same stop, on a leg that does not end there, is a dwell.
        let elsewhere = try Self.leg(arrivedMinutes: 350, destination: Self.point(330, 0))
        #expect(Self.analyze([elsewhere], atDestination).map(\.kind) == [.dwell])
    }

    @Test func gapMidTripIsATrackingGap() throws {
        // 300 km in 6 h; nothing between 1.5 h and 4.5 h.
        let samples = Self.drive(0, 360, along: (0, 300)).filter { $0.0 <= 90 || $0.0 >= 270 }
        let evidence = Self.analyze([try Self.leg(arrivedMinutes: 360)], Self.track(samples))
        #expect(evidence.map(\.kind) == [.trackingGap])
        let gap = try #require(evidence.first)
        #expect(abs(gap.value - 180) < 0.01)
        #expect(abs(gap.lat - Self.point(75, 0).lat) < 1e-9)
        #expect(gap.pointIDs == ["TRK-1@2026-03-02T09:30:00Z", "TRK-1@2026-03-02T12:30:00Z"])
        // Without the gap, nothing.
        #expect(Self.analyze([try Self.leg(arrivedMinutes: 360)], Self.track(Self.drive(0, 360, along: (0, 300)))).isEmpty)
    }

    @Test func deviationWithGPSGaps() throws {
        // 100 km in 2 h, dark for 2.5 h, back barely farther on, and in at 12 h: the 10 km across the
        // gap take 10 × 1.35 / 70 h ≈ 11.6 min to drive, so the vehicle stood still while dark.
        let samples = Self.drive(0, 120, along: (0, 100)) + Self.drive(270, 720, along: (110, 300))
        let evidence = Self.analyze([try Self.leg(arrivedMinutes: 720)], Self.track(samples))
        #expect(Set(evidence.map(\.kind)) == [.trackingGap, .darkStop, .lateArrival])
        #expect(evidence.count == 3)
        let gap = try #require(evidence.first { $0.kind == .trackingGap })
        #expect(abs(gap.value - 150) < 0.01)
        let dark = try #require(evidence.first { $0.kind == .darkStop })
        let across = Geo.distanceKm(Self.point(100, 0), Self.point(110, 0))
        #expect(abs(dark.value - (150 - across * 1.35 / 70 * 60)) < 0.01)
        #expect(dark.pointIDs == gap.pointIDs)
        // The same gap driven through (110 km further on after it) is no stop.
        let driven = Self.drive(0, 120, along: (0, 100)) + Self.drive(270, 720, along: (250, 300))
        #expect(!Self.analyze([try Self.leg(arrivedMinutes: 720)], Self.track(driven)).contains { $0.kind == .darkStop })
        let late = try #require(evidence.first { $0.kind == .lateArrival })
        let allowed = 300 * 1.35 / 70 + 2
        #expect(abs(late.value - (12 - allowed)) < 0.01)
        #expect(evidence.map(\.kind) == [.lateArrival, .trackingGap, .darkStop])  // by start: departure, then the gap
    }

    @Test func lateArrivalFiresOnlyWhenLate() throws {
        // The honest trip, then waiting at the destination until the recorded arrival.
        let waited = Self.track(Self.drive(0, 300, along: (0, 300)) + Self.drive(310, 600, along: (300, 300)))
        let allowedMinutes = (300 * 1.35 / 70 + 2) * 60  // ≈ 467 min
        #expect(Self.analyze([try Self.leg(arrivedMinutes: allowedMinutes - 1)], waited).isEmpty)
        let evidence = Self.analyze([try Self.leg(arrivedMinutes: 600)], waited)
        #expect(evidence.map(\.kind) == [.lateArrival])
        let late = try #require(evidence.first)
        #expect(abs(late.value - (10 - allowedMinutes / 60)) < 0.01)
        #expect(late.lat == Self.destination.lat && late.lon == Self.destination.lon)
        #expect(late.start == Self.t0 && late.end == Self.time(600))
        #expect(late.detail.hasPrefix("arrived 2.2 h late"))
    }

    @Test func legsWithoutArrivalOrCoordinatesDoNotCrash() throws {
        // No arrival: a 48 h window; the honest trip ends long before it, which is no gap.
        #expect(Self.analyze([try Self.leg(arrivedMinutes: nil)], Self.honest).isEmpty)
        // No coordinates: no corridor, no late arrival; a stop away from any facility is still a dwell.
        let bare = try Self.leg(arrivedMinutes: 380, origin: nil, destination: nil)
        #expect(Self.analyze([bare], Self.stopOffRoute(minutes: 45)).map(\.kind) == [.dwell])
        #expect(Self.analyze([bare], Self.stopOffRoute(minutes: 45), facilities: [Self.point(150, 15)]).isEmpty)
        let originOnly = try Self.leg(arrivedMinutes: 900, destination: nil)
        #expect(Self.analyze([originOnly], Self.honest).map(\.kind) == [.trackingGap])  // last seen 10 h before arrival
        // No positions in the window, no track, or a time that does not parse: nothing.
        let later = try Self.leg(departed: Self.t0 + 86_400, arrivedMinutes: 3000)
        #expect(Self.analyze([later], Self.honest).isEmpty)
        #expect(Self.analyze([try Self.leg(vehicle: "TRK-2", arrivedMinutes: 900)], Self.honest).isEmpty)
        #expect(Self.analyze([try Self.leg(departedText: "yesterday", arrivedMinutes: 900)], Self.honest).isEmpty)
        #expect(RouteAnalysis.analyze(legs: [], tracks: [:], facilities: []).isEmpty)
    }

    /// A leg without an arrival ends when the same vehicle sets off again: the next trip, driven
    /// far away from this leg's corridor, is not evidence against it.
    @Test func anOpenLegEndsAtTheVehiclesNextDeparture() throws {
        let open = try Self.leg("LEG-1", arrivedMinutes: nil)
        let next = try Self.leg("LEG-2", departed: Self.time(400), arrivedMinutes: 700, origin: Self.destination, destination: Self.point(300, 200))
        let track = Self.track(Self.drive(0, 300, along: (0, 300)) + Self.drive(400, 700, along: (300, 300), off: (0, 200)))
        #expect(Self.analyze([open, next], track).filter { $0.legID == "LEG-1" }.isEmpty)
        // Alone, the same open leg would take in the next trip's positions, 200 km off its corridor.
        #expect(Self.analyze([open], track).contains { $0.kind == .offCorridor })
    }

    @Test func windowEdgesAreIncluded() throws {
        // Far off-corridor a second before departure and a second after arrival: not this leg's.
        var track = Track(vehicleID: "TRK-1")
        let far = Self.point(150, 100)
        track.append(time: Self.t0 - 1, lat: far.lat, lon: far.lon, source: .aerial)
        for (minutes, along, off) in Self.drive(0, 300, along: (0, 300)) {
            let position = Self.point(along, off)
            track.append(time: Self.time(minutes), lat: position.lat, lon: position.lon, source: .checkpoint)
        }
        track.append(time: Self.time(300) + 1, lat: far.lat, lon: far.lon, source: .aerial)
        #expect(Self.analyze([try Self.leg(arrivedMinutes: 300)], track).isEmpty)
        // One second earlier, the departure takes in the first far position.
        let early = try Self.leg(departed: Self.t0 - 1, arrivedMinutes: 300)
        let evidence = Self.analyze([early], track)
        #expect(evidence.map(\.kind) == [.offCorridor])
        #expect(evidence.first?.start == Self.t0 - 1)

        // The first position exactly gapMinutes after departure is no gap; one second later it is.
        let late = Self.track(Self.drive(75, 375, along: (0, 300)))
        #expect(Self.analyze([try Self.leg(arrivedMinutes: 375)], late).isEmpty)
        let gap = Self.analyze([try Self.leg(departed: Self.t0 - 1, arrivedMinutes: 375)], late)
        #expect(gap.map(\.kind) == [.trackingGap])
        #expect(abs((gap.first?.value ?? 0) - (75 + 1.0 / 60)) < 1e-6)
        #expect(gap.first?.lat == Self.origin.lat)
        // Likewise at the end: last position exactly gapMinutes before arrival, then one second more.
        #expect(Self.analyze([try Self.leg(arrivedMinutes: 375)], Self.honest).isEmpty)
        #expect(Self.analyze([try Self.leg(arrivedMinutes: 375 + 1.0 / 60)], Self.honest).map(\.kind) == [.trackingGap])
    }
}
