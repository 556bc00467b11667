import RastroResolve
import Testing

/// The table engine on person records (the FEBRL shape): linkage of two files and deduplication
/// of one, with typos, swapped and missing values, against a known truth.
@Suite struct TableResolverTests {
    static let spec = TableSpec(fields: [.init("given_name", .name), .init("surname", .name), .init("postcode", .exact),
                                         .init("date_of_birth", .identifier)],
                                blocking: [[0], [1], [2], [3]])

    static func people(_ count: Int, seed: UInt64) -> [[String?]] {
        var random = Generator(seed: seed)
        let given = ["michaela", "courtney", "joshua", "liam", "olivia", "charlotte", "jack", "emily", "thomas", "grace",
                     "samuel", "chloe", "benjamin", "isabella", "lachlan", "ruby", "william", "sophie", "james", "hannah"]
        let surnames = ["neumann", "painter", "smith", "jones", "williams", "brown", "wilson", "taylor", "johnson", "white",
                        "martin", "anderson", "thompson", "nguyen", "thomas", "walker", "harris", "lee", "ryan", "robinson",
                        "kelly", "king", "davis", "wright", "evans", "roberts", "green", "hall", "wood", "jackson"]
        return (0..<count).map { _ in
            [given[random.int(given.count)], surnames[random.int(surnames.count)], String(2000 + random.int(900)),
             "19\(10 + random.int(90))\(Self.two(1 + random.int(12)))\(Self.two(1 + random.int(28)))"]
        }
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// A copy with the slips of a second data entry: a typo, a missing field, a digit changed.
    static func corrupt(_ record: [String?], _ random: inout Generator) -> [String?] {
        var copy = record
        switch random.int(4) {
        case 0:
            if var name = copy[1], name.count > 3 {
                let index = name.index(name.startIndex, offsetBy: 1 + random.int(name.count - 2))
                name.remove(at: index)
                copy[1] = name
            }
        case 1: copy[random.int(3)] = nil
        case 2:
            if var date = copy[3].map(Array.init) {
                date[7] = date[7] == "1" ? "2" : "1"
                copy[3] = String(date)
            }
        default: break
        }
        return copy
    }

    @Test func linksTwoFilesWithSlips() {
        let left = Self.people(1_500, seed: 4)
        var random = Generator(seed: 5)
        let right = left.map { Self.corrupt($0, &random) }
        let outcome = TableResolver(spec: Self.spec).link(left, right)
        let found = Set(outcome.matches.map { "\($0.0)-\($0.1)" })
        let truth = Set(left.indices.map { "\($0)-\($0)" })
        let precision = Double(found.intersection(truth).count) / Double(max(1, found.count))
        let recall = Double(found.intersection(truth).count) / Double(truth.count)
        #expect(precision > 0.97 && recall > 0.97, "precision \(precision), recall \(recall)")
    }

    @Test func deduplicatesOneFile() {
        let originals = Self.people(800, seed: 9)
        var random = Generator(seed: 10)
        var table = originals
        var truth = Set<String>()
        for (index, record) in originals.enumerated() where index % 2 == 0 {
            table.append(Self.corrupt(record, &random))
            truth.insert("\(index)-\(table.count - 1)")
        }
        let outcome = TableResolver(spec: Self.spec).deduplicate(table)
        let found = Set(outcome.matches.map { "\(min($0.0, $0.1))-\(max($0.0, $0.1))" })
        let precision = Double(found.intersection(truth).count) / Double(max(1, found.count))
        let recall = Double(found.intersection(truth).count) / Double(truth.count)
        #expect(precision > 0.95 && recall > 0.95, "precision \(precision), recall \(recall)")
    }
}
