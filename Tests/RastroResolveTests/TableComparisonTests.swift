@testable import RastroResolve
import Testing

/// The table engine's comparisons over numbered values: the same levels as the string measures,
/// the same candidate pairs as blocking by key strings, and interchangeable fields compared
/// crosswise.
@Suite struct TableComparisonTests {
    static func word(_ random: inout Generator, alphabet: [Character], length: Int) -> String {
        String((0..<length).map { _ in alphabet[random.int(alphabet.count)] })
    }

    @Test func scalarMeasuresAgreeWithTheStringOnes() {
        var random = Generator(seed: 11)
        let alphabet = Array("abcdé")
        for _ in 0..<20_000 {
            let a = Self.word(&random, alphabet: alphabet, length: 1 + random.int(9))
            var b = Array(a)
            for _ in 0..<random.int(3) {
                let position = random.int(b.count + 1)
                switch random.int(4) {
                case 0 where position < b.count: b[position] = alphabet[random.int(alphabet.count)]
                case 1 where position < b.count: b.remove(at: position)
                case 2 where position + 1 < b.count: b.swapAt(position, position + 1)
                default: b.insert(alphabet[random.int(alphabet.count)], at: position)
                }
            }
            let other = b.isEmpty ? "x" : String(b)
            let x = a.unicodeScalars.map(\.value), y = other.unicodeScalars.map(\.value)
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    let similarity = Similarity.jaroWinkler(x, y)
                    #expect(similarity == Similarity.jaroWinkler(a, other), "\(a) \(other)")
                    #expect(Similarity.withinOneEdit(x, y) == (Similarity.editDistance(a, other, limit: 1) <= 1), "\(a) \(other)")
                    let bound = TableComparator.Value(x, at: 0).jaroWinklerBound(TableComparator.Value(y, at: 0))
                    #expect(bound >= similarity - 1e-12, "\(a) \(other): bound \(bound) under \(similarity)")
                }
            }
        }
    }

    @Test func candidatePairsAreThoseOfBlockingByKeyStrings() {
        let spec = TableResolverTests.spec
        let left = TableResolverTests.people(700, seed: 21), right = TableResolverTests.people(700, seed: 22)
        func keys(_ record: [String?]) -> [String] {
            spec.blocking.enumerated().compactMap { number, fields in
                var parts: [String] = []
                for index in fields {
                    guard let raw = record[index], let value = Vocabulary.normalize(raw, kind: spec.fields[index].kind) else { return nil }
                    parts.append(spec.fields[index].kind == .name
                        ? value.split(separator: " ").map { Phonetic.key(String($0)) }.joined() : value)
                }
                return "\(number):" + parts.joined(separator: "|")
            }
        }
        var blocks: [String: ([Int], [Int])] = [:]
        for (index, record) in left.enumerated() { for key in keys(record) { blocks[key, default: ([], [])].0.append(index) } }
        for (index, record) in right.enumerated() { for key in keys(record) { blocks[key, default: ([], [])].1.append(index) } }
        var linked = Set<[Int]>()
        for (x, y) in blocks.values where x.count * y.count <= spec.maxBlock * spec.maxBlock {
            for i in x { for j in y { linked.insert([i, j]) } }
        }
        #expect(TableResolver(spec: spec).link(left, right).candidatePairs == linked.count)

        var within: [String: [Int]] = [:]
        for (index, record) in left.enumerated() { for key in keys(record) { within[key, default: []].append(index) } }
        var deduplicated = Set<[Int]>()
        for members in within.values where members.count <= spec.maxBlock {
            for i in members { for j in members where i < j { deduplicated.insert([i, j]) } }
        }
        #expect(TableResolver(spec: spec).deduplicate(left).candidatePairs == deduplicated.count)
    }

    @Test func interchangeableFieldsCompareCrosswise() {
        let spec = TableSpec(fields: [.init("given_name", .name), .init("surname", .name), .init("date_of_birth", .identifier)],
                             blocking: [[2]], interchangeable: [[0, 1]])
        let columns = TableColumns(spec: spec, tables: [[["ruby", "vincent", "19430807"], ["emma", nil, "19590308"]],
                                                        [["vincent", "ruby", "19430807"], ["louca", "emma", "19590308"]]])
        let comparator = TableComparator(spec: spec, levels: [4, 4, 3], columns: columns)
        #expect(comparator.decode(comparator.pattern(0, 0)) == [3, 3, 2])
        // One side's surname missing: straight keeps "different, missing" only when crosswise
        // does no better; here crosswise finds the given name as surname.
        #expect(comparator.decode(comparator.pattern(1, 1)) == [3, -1, 2])
        let straight = TableComparator(spec: TableSpec(fields: spec.fields, blocking: spec.blocking), levels: [4, 4, 3],
                                       columns: TableColumns(spec: TableSpec(fields: spec.fields, blocking: spec.blocking),
                                                             tables: [[["ruby", "vincent", "19430807"]], [["vincent", "ruby", "19430807"]]]))
        #expect(straight.decode(straight.pattern(0, 0)) == [0, 0, 2])
    }
}
