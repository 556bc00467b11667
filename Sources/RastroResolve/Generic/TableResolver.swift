import RastroModel

/// The same engine for any table of records: fields declared with a kind (how to compare them),
/// blocking keys declared as lists of fields. Used for benchmarks on public data sets (FEBRL)
/// and for any future source whose parties are not contract mentions.
public struct TableSpec: Sendable {
    public enum FieldKind: Sendable {
        /// Free text such as a name or a street: folded; same / JW ≥ 0.92 / JW ≥ 0.8 / different.
        case name
        /// Codes compared as they are: same / different.
        case exact
        /// Identifiers and dates written as digits: same / one slip apart / different.
        case identifier
    }

    public struct Field: Sendable {
        public var name: String
        public var kind: FieldKind
        public init(_ name: String, _ kind: FieldKind) {
            self.name = name
            self.kind = kind
        }
    }

    public var fields: [Field]
    /// Each key is a list of field indexes; name fields enter a key through their phonetic code.
    public var blocking: [[Int]]
    public var maxBlock: Int

    public init(fields: [Field], blocking: [[Int]], maxBlock: Int = 500) {
        self.fields = fields
        self.blocking = blocking
        self.maxBlock = maxBlock
    }
}

public struct TableResolver: Sendable {
    public var spec: TableSpec
    public var threshold = 0.5
    public var randomPairs = 50_000

    public init(spec: TableSpec) {
        self.spec = spec
    }

    struct Prepared {
        var values: [String?]
        var scalars: [[Unicode.Scalar]]
    }

    func prepare(_ record: [String?]) -> Prepared {
        var values: [String?] = []
        var scalars: [[Unicode.Scalar]] = []
        for (index, field) in spec.fields.enumerated() {
            let raw = index < record.count ? record[index] : nil
            var value: String?
            switch field.kind {
            case .name: value = raw.map(Fold.text)
            case .exact, .identifier: value = raw.map { String($0.filter { !$0.isWhitespace }) }
            }
            if value?.isEmpty == true { value = nil }
            values.append(value)
            scalars.append(value.map { Array($0.unicodeScalars) } ?? [])
        }
        return Prepared(values: values, scalars: scalars)
    }

    var modelFields: [FellegiSunter.Field] {
        spec.fields.map { field in
            switch field.kind {
            case .name: .init(name: field.name, levels: ["different", "JW ≥ 0.8", "JW ≥ 0.92", "same"])
            case .exact: .init(name: field.name, levels: ["different", "same"])
            case .identifier: .init(name: field.name, levels: ["different", "one slip apart", "same"])
            }
        }
    }

    func compare(_ a: Prepared, _ b: Prepared) -> FellegiSunter.Pattern {
        var pattern = FellegiSunter.Pattern(repeating: -1, count: spec.fields.count)
        for (index, field) in spec.fields.enumerated() {
            guard let x = a.values[index], let y = b.values[index] else { continue }
            switch field.kind {
            case .name:
                if x == y { pattern[index] = 3; continue }
                let similarity = Similarity.jaroWinkler(a.scalars[index], b.scalars[index])
                pattern[index] = similarity >= 0.92 ? 2 : similarity >= 0.8 ? 1 : 0
            case .exact:
                pattern[index] = x == y ? 1 : 0
            case .identifier:
                pattern[index] = x == y ? 2 : Similarity.editDistance(x, y, limit: 1) <= 1 ? 1 : 0
            }
        }
        return pattern
    }

    func keys(_ record: Prepared) -> [String] {
        spec.blocking.enumerated().compactMap { number, fields in
            var parts: [String] = []
            for index in fields {
                guard let value = record.values[index] else { return nil }
                parts.append(spec.fields[index].kind == .name ? value.split(separator: " ").map { Phonetic.key(String($0)) }.joined() : value)
            }
            return "\(number):" + parts.joined(separator: "|")
        }
    }

    public struct Outcome: Sendable {
        /// Pairs judged matches, with their probability: (left index, right index) for linkage,
        /// (i, j), i < j, within one cluster for deduplication.
        public var matches: [(Int, Int, Double)]
        public var candidatePairs: Int
        public var model: FellegiSunter
    }

    /// Links two tables: cross pairs only.
    public func link(_ left: [[String?]], _ right: [[String?]]) -> Outcome {
        let a = left.map(prepare), b = right.map(prepare)
        var blocks: [String: ([Int], [Int])] = [:]
        for (index, record) in a.enumerated() { for key in keys(record) { blocks[key, default: ([], [])].0.append(index) } }
        for (index, record) in b.enumerated() { for key in keys(record) { blocks[key, default: ([], [])].1.append(index) } }
        var seen = Set<UInt64>()
        var pairs: [(Int, Int)] = []
        for key in blocks.keys.sorted() {
            guard let (x, y) = blocks[key], !x.isEmpty, !y.isEmpty, x.count * y.count <= spec.maxBlock * spec.maxBlock else { continue }
            for i in x { for j in y where seen.insert(UInt64(i) << 32 | UInt64(j)).inserted { pairs.append((i, j)) } }
        }
        var random = SplitMix64(seed: 7)
        let patterns = pairs.map { compare(a[$0.0], b[$0.1]) }
        let model = fit(patterns: patterns, compare: { compare(a[$0], b[$1]) }, random: {
            (Int(random.next() % UInt64(a.count)), Int(random.next() % UInt64(b.count)))
        })
        var matches: [(Int, Int, Double)] = []
        var cache: [FellegiSunter.Pattern: Double] = [:]
        for (position, (i, j)) in pairs.enumerated() {
            let pattern = patterns[position]
            let p = cache[pattern] ?? model.probability(pattern)
            cache[pattern] = p
            if p >= threshold { matches.append((i, j, p)) }
        }
        return Outcome(matches: matches, candidatePairs: pairs.count, model: model)
    }

    /// Deduplicates one table: clusters without chaining, then every pair within a cluster.
    public func deduplicate(_ table: [[String?]]) -> Outcome {
        let records = table.map(prepare)
        var blocks: [String: [Int]] = [:]
        for (index, record) in records.enumerated() { for key in keys(record) { blocks[key, default: []].append(index) } }
        let pairs = Blocking.pairs(within: blocks, maxBlock: spec.maxBlock)
        var random = SplitMix64(seed: 7)
        let patterns = pairs.map { compare(records[$0.0], records[$0.1]) }
        let model = fit(patterns: patterns, compare: { compare(records[$0], records[$1]) }, random: {
            (Int(random.next() % UInt64(records.count)), Int(random.next() % UInt64(records.count)))
        })
        let edges = pairs.indices.map { Clustering.Edge(a: pairs[$0].0, b: pairs[$0].1, probability: model.probability(patterns[$0])) }
        let labels = Clustering(threshold: threshold, average: threshold).cluster(
            count: records.count, edges: edges, score: { model.probability(compare(records[$0], records[$1])) }, cannotLink: { _, _ in false })
        var groups: [Int: [Int]] = [:]
        for (index, label) in labels.enumerated() { groups[label, default: []].append(index) }
        var matches: [(Int, Int, Double)] = []
        for members in groups.values where members.count > 1 {
            for x in 0..<members.count { for y in (x + 1)..<members.count { matches.append((members[x], members[y], 1)) } }
        }
        return Outcome(matches: matches, candidatePairs: pairs.count, model: model)
    }

    /// u from random pairs; m and λ seeded from near-certain pairs (most compared fields at their
    /// top level), then EM.
    func fit(patterns: [FellegiSunter.Pattern], compare: ((Int, Int)) -> FellegiSunter.Pattern, random: () -> (Int, Int)) -> FellegiSunter {
        var model = FellegiSunter(fields: modelFields)
        var randomPatterns: [FellegiSunter.Pattern: Int] = [:]
        for _ in 0..<randomPairs { randomPatterns[compare(random()), default: 0] += 1 }
        model.estimateU(randomPairs: randomPatterns)
        var counts: [FellegiSunter.Pattern: Int] = [:]
        for pattern in patterns { counts[pattern, default: 0] += 1 }
        var anchors: [FellegiSunter.Pattern: Int] = [:]
        for (pattern, count) in counts {
            let compared = pattern.enumerated().filter { $0.element >= 0 }
            let top = compared.filter { Int($0.element) == model.fields[$0.offset].levels.count - 1 }.count
            if compared.count >= 3, Double(top) >= 0.7 * Double(compared.count) { anchors[pattern] = count }
        }
        model.seed(anchors: anchors, candidates: patterns.count)
        // u free: among candidate pairs, agreeing on a blocking field is common for non-matches
        // too, and u from random pairs would call all of them matches.
        model.estimate(patterns: counts, fixU: false)
        return model
    }
}
