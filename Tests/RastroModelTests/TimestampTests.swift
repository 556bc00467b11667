import RastroModel
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-03-02T14:05:00-06:00", "2026-03-02T20:05:00Z"),
        ("2026-03-02T14:05:00Z", "2026-03-02T14:05:00Z"),
        ("2026-03-02 14:05:00+0130", "2026-03-02T12:35:00Z"),
        ("2026-12-31T23:30:00-06:00", "2027-01-01T05:30:00Z"),
        ("2026-03-01T00:10:00+01:00", "2026-02-28T23:10:00Z"),
        ("2024-03-01T00:10:00+01:00", "2024-02-29T23:10:00Z"),
        ("2026-03-02T14:05:00.250Z", "2026-03-02T14:05:00.25Z"),
        ("2026-03-02T14:05:00.000Z", "2026-03-02T14:05:00Z"),
        ("2026-03-02T14:05Z", "2026-03-02T14:05:00Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
    ])
    func normalizesToUTC(_ input: String, _ expected: String) throws {
        #expect(try Timestamp.parseTimestamp(input).get().text == expected)
    }

    @Test func epochSecondsAreRight() throws {
        #expect(try Timestamp.parseTimestamp("1970-01-02T00:00:00Z").get().epochSeconds == 86_400)
        #expect(try Timestamp.parseTimestamp("2026-03-02T14:05:00-06:00").get().epochSeconds == 1_772_481_900)
    }

    @Test func rejectsWhatIsNotATimestamp() {
        #expect(Timestamp.parseTimestamp("2026-03-02T14:05:00") == .failure(.missingZone))
        #expect(Timestamp.parseTimestamp("2026-02-30T14:05:00Z") == .failure(.invalidDate))
        #expect(Timestamp.parseTimestamp("2026-03-02T25:05:00Z") == .failure(.invalidTime))
        #expect(Timestamp.parseTimestamp("02/03/2026 14:05") == .failure(.format))
        #expect(Timestamp.parseTimestamp("2026-03-02T14:05:00Zjunk") == .failure(.format))
    }

    @Test func datesAreCheckedAgainstTheCalendar() {
        #expect(Timestamp.parseDate("2024-02-29") == .success("2024-02-29"))
        #expect(Timestamp.parseDate("2026-02-29") == .failure(.invalidDate))
        #expect(Timestamp.parseDate("2026-13-01") == .failure(.invalidDate))
        #expect(Timestamp.parseDate("2026-3-1") == .failure(.format))
    }
}

@Suite struct DecimalTextTests {
    /// Every double it formats reads back as exactly the same double, with no more decimals than needed.
    @Test func fixedFormRoundTrips() throws {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, 1, -1, 0.1, 0.5, -0.5, 19.4326, -99.1332, 123456789.125, 1e-7, 0.30000000000000004, 89.99999999999999]
        for _ in 0..<20_000 {
            let digits = Int.random(in: 0...9, using: &generator)
            let mantissa = Int64.random(in: -999_999_999...999_999_999, using: &generator)
            values.append(Double(mantissa) / DecimalText.powers[digits])
            values.append(Double.random(in: -180...180, using: &generator))
        }
        for value in values {
            guard let (mantissa, decimals) = DecimalText.fixed(value) else { continue }
            let magnitude = String(mantissa.magnitude)
            let padded = String(repeating: "0", count: max(0, decimals + 1 - magnitude.count)) + magnitude
            let text = (mantissa < 0 ? "-" : "") + padded.dropLast(decimals) + (decimals > 0 ? "." + padded.suffix(decimals) : "")
            #expect(Double(text) == value, "\(value) → \(text)")
            if decimals > 0 {
                let shorter = (Double(mantissa) / 10).rounded() / DecimalText.powers[decimals - 1]
                #expect(shorter != value, "\(value) needs fewer than \(decimals) decimals")
            }
        }
        #expect(DecimalText.fixed(19.4326)! == (194_326, 4))
        #expect(DecimalText.fixed(45)! == (45, 0))
        #expect(DecimalText.fixed(.nan) == nil && DecimalText.fixed(.infinity) == nil && DecimalText.fixed(1e300) == nil)
    }
}
