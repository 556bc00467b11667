import RastroModel

/// The same engine for any table of records: fields declared with a kind (how to compare them),
/// blocking keys declared as lists of fields. Used for benchmarks on public data sets (FEBRL)
/// and for any future source whose parties are not contract mentions.
///
/// Values are folded and numbered once per distinct value (`TableColumns`), blocks are built over
/// those numbers (`TableBlocks`), and candidate pairs are generated and compared record by record
/// in chunks on every core, each pair once (a per-chunk mark of the records already paired with
/// the current one, instead of a set of every pair). Results do not depend on the scheduling:
/// chunks are joined in order, and the model is fitted on pattern counts.
public struct TableResolver: Sendable {
    public var spec: TableSpec
    public var threshold = 0.5
    public var randomPairs = 50_000

    public init(spec: TableSpec) {
        self.spec = spec
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

    public struct Outcome: Sendable {
        /// Pairs judged matches, with their probability: (left index, right index) for linkage,
        /// (i, j), i < j, within one cluster for deduplication.
        public var matches: [(Int, Int, Double)]
        public var candidatePairs: Int
        public var model: FellegiSunter
    }

    /// Candidate pairs (`left << 32 | right`) and their packed comparisons, in record order.
    struct Compared {
        var pairs: [UInt64] = []
        var patterns: [UInt64] = []
        var counts: [UInt64: Int] = [:]
    }

    /// Every candidate pair, compared: for each record of the left table, the records of the right
    /// one that share a usable block with it (`usable`), each once; with `after`, only those of a
    /// higher number (deduplication, where both sides are one table).
    func compareCandidates(blocks: TableBlocks, comparator: TableComparator, usable: [Bool], after: Bool) -> Compared {
        let (left, right) = (comparator.left, comparator.right)
        let records = blocks.keys[left].count / max(1, blocks.keyCount)
        let others = blocks.keys[right].count / max(1, blocks.keyCount)
        let chunks = min(records, 256)
        let parts = Parallel.each(chunks) { chunk -> Compared in
            var part = Compared()
            var mark = [Int32](repeating: -1, count: others)
            let keyCount = blocks.keyCount
            let keys = blocks.keys[left], starts = blocks.starts[right], members = blocks.members[right]
            comparator.withCursor { cursor in
                for i in (records * chunk / chunks)..<(records * (chunk + 1) / chunks) {
                    for key in 0..<keyCount {
                        let block = Int(keys[i * keyCount + key])
                        guard block >= 0, usable[block] else { continue }
                        for position in starts[block]..<starts[block + 1] {
                            let j = Int(members[position])
                            guard mark[j] != Int32(i), !after || j > i else { continue }
                            mark[j] = Int32(i)
                            let pattern = cursor.pattern(i, j)
                            part.pairs.append(UInt64(i) << 32 | UInt64(j))
                            part.patterns.append(pattern)
                            part.counts[pattern, default: 0] += 1
                        }
                    }
                }
            }
            return part
        }
        var all = Compared()
        all.pairs.reserveCapacity(parts.reduce(0) { $0 + $1.pairs.count })
        all.patterns.reserveCapacity(all.pairs.capacity)
        for part in parts {
            all.pairs += part.pairs
            all.patterns += part.patterns
            all.counts.merge(part.counts, uniquingKeysWith: +)
        }
        return all
    }

    /// Links two tables: cross pairs only.
    public func link(_ left: [[String?]], _ right: [[String?]]) -> Outcome {
        let columns = TableColumns(spec: spec, tables: [left, right])
        let blocks = TableBlocks(spec: spec, columns: columns)
        let limit = spec.maxBlock * spec.maxBlock
        let usable = (0..<(blocks.starts[0].count - 1)).map { block in
            let x = blocks.size(side: 0, block: block), y = blocks.size(side: 1, block: block)
            return x > 0 && y > 0 && x * y <= limit
        }
        let comparator = TableComparator(spec: spec, levels: modelFields.map(\.levels.count), columns: columns, left: 0, right: 1)
        let compared = compareCandidates(blocks: blocks, comparator: comparator, usable: usable, after: false)
        var random = SplitMix64(seed: 7)
        let model = fit(counts: compared.counts, comparator: comparator, random: {
            (Int(random.next() % UInt64(left.count)), Int(random.next() % UInt64(right.count)))
        })
        let scorer = PackedScorer(model: model, comparator: comparator)
        let probability = Dictionary(uniqueKeysWithValues: compared.counts.keys.map { ($0, scorer.probability($0)) })
        var matches: [(Int, Int, Double)] = []
        for (pair, pattern) in zip(compared.pairs, compared.patterns) {
            let p = probability[pattern]!
            if p >= threshold { matches.append((Int(pair >> 32), Int(pair & 0xFFFF_FFFF), p)) }
        }
        return Outcome(matches: matches, candidatePairs: compared.pairs.count, model: model)
    }

    /// Deduplicates one table: clusters without chaining, then every pair within a cluster.
    public func deduplicate(_ table: [[String?]]) -> Outcome {
        let columns = TableColumns(spec: spec, tables: [table])
        let blocks = TableBlocks(spec: spec, columns: columns)
        let usable = (0..<(blocks.starts[0].count - 1)).map { block in
            let size = blocks.size(side: 0, block: block)
            return size > 1 && size <= spec.maxBlock
        }
        let comparator = TableComparator(spec: spec, levels: modelFields.map(\.levels.count), columns: columns, left: 0, right: 0)
        let compared = compareCandidates(blocks: blocks, comparator: comparator, usable: usable, after: true)
        var random = SplitMix64(seed: 7)
        let model = fit(counts: compared.counts, comparator: comparator, random: {
            (Int(random.next() % UInt64(table.count)), Int(random.next() % UInt64(table.count)))
        })
        let scorer = PackedScorer(model: model, comparator: comparator)
        let probability = Dictionary(uniqueKeysWithValues: compared.counts.keys.map { ($0, scorer.probability($0)) })
        var edges: [Clustering.Edge] = []
        for (pair, pattern) in zip(compared.pairs, compared.patterns) {
            let p = probability[pattern]!
            if p >= threshold { edges.append(Clustering.Edge(a: Int(pair >> 32), b: Int(pair & 0xFFFF_FFFF), probability: p)) }
        }
        let labels = Clustering(threshold: threshold, average: threshold).cluster(
            count: table.count, edges: edges, score: { scorer.probability(comparator.pattern($0, $1)) },
            cannotLink: { _, _ in false })
        var groups: [Int: [Int]] = [:]
        for (index, label) in labels.enumerated() { groups[label, default: []].append(index) }
        var matches: [(Int, Int, Double)] = []
        for members in groups.values where members.count > 1 {
            for x in 0..<members.count { for y in (x + 1)..<members.count { matches.append((members[x], members[y], 1)) } }
        }
        return Outcome(matches: matches, candidatePairs: compared.pairs.count, model: model)
    }

    /// u from random pairs; m and λ seeded from near-certain pairs (most compared fields at their
    /// top level), then EM.
    func fit(counts packed: [UInt64: Int], comparator: TableComparator, random: () -> (Int, Int)) -> FellegiSunter {
        var model = FellegiSunter(fields: modelFields)
        var randomPatterns: [FellegiSunter.Pattern: Int] = [:]
        for _ in 0..<randomPairs {
            let (i, j) = random()
            randomPatterns[comparator.decode(comparator.pattern(i, j)), default: 0] += 1
        }
        model.estimateU(randomPairs: randomPatterns)
        var counts: [FellegiSunter.Pattern: Int] = [:]
        for (code, count) in packed { counts[comparator.decode(code)] = count }
        var anchors: [FellegiSunter.Pattern: Int] = [:]
        for (pattern, count) in counts {
            let compared = pattern.enumerated().filter { $0.element >= 0 }
            let top = compared.filter { Int($0.element) == model.fields[$0.offset].levels.count - 1 }.count
            if compared.count >= 3, Double(top) >= 0.7 * Double(compared.count) { anchors[pattern] = count }
        }
        model.seed(anchors: anchors, candidates: counts.values.reduce(0, +))
        // u free: among candidate pairs, agreeing on a blocking field is common for non-matches
        // too, and u from random pairs would call all of them matches.
        model.estimate(patterns: counts, fixU: false)
        return model
    }
}
