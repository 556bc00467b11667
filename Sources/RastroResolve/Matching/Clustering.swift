/// Groups records into entities from scored pairs without chaining: pairs are taken strongest
/// first, and two groups merge only when the pair is above `threshold`, nothing forbids it (a
/// cannot-link such as two different valid tax ids, or an analyst's split), and the average match
/// probability over every pair across the two groups (scored on demand, sampled when large) is
/// above `average`. One weak link between two groups is not enough; neither is a chain of them.
public struct Clustering {
    public struct Edge: Sendable {
        public var a: Int
        public var b: Int
        public var probability: Double
        public init(a: Int, b: Int, probability: Double) {
            self.a = a
            self.b = b
            self.probability = probability
        }
    }

    public var threshold: Double
    public var average: Double
    /// Largest number of cross pairs scored for one merge decision.
    public var sampleLimit = 400

    public init(threshold: Double = 0.9, average: Double = 0.6) {
        self.threshold = threshold
        self.average = average
    }

    /// A union of two groups: through the pair (a, b), by the model's probability, or forced by
    /// must-link number `forced` (an analyst's confirm).
    public struct Merge: Sendable, Hashable {
        public var a: Int
        public var b: Int
        public var probability: Double
        public var forced: Int?
    }

    /// Cluster label (the smallest member index) of each of `count` records.
    public func cluster(count: Int, edges: [Edge], score: (Int, Int) -> Double, cannotLink: ([Int], [Int]) -> Bool) -> [Int] {
        cluster(count: count, edges: edges, mustLink: [], score: score, cannotLink: cannotLink).labels
    }

    /// Clusters with analysts' decisions: must-links are joined first, whatever the model says,
    /// unless `separated` (an analyst's split) forbids it, in which case the must-link's number is
    /// in `refused`; `separated` also stops the model's merges. Returns each record's label (the
    /// smallest member index of its group) and the merges made, in order.
    public func cluster(count: Int, edges: [Edge], mustLink: [(Int, Int)] = [],
                        separated: ([Int], [Int]) -> Bool = { _, _ in false },
                        score: (Int, Int) -> Double,
                        cannotLink: ([Int], [Int]) -> Bool) -> (labels: [Int], merges: [Merge], refused: [Int]) {
        var parent = Array(0..<count)
        var members = (0..<count).map { [$0] }
        var merges: [Merge] = []
        var refused: [Int] = []
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        func join(_ ra: Int, _ rb: Int) {
            let (keep, drop) = members[ra].count >= members[rb].count ? (ra, rb) : (rb, ra)
            parent[drop] = keep
            members[keep] += members[drop]
            members[drop] = []
        }
        for (number, link) in mustLink.enumerated() {
            let ra = root(link.0), rb = root(link.1)
            guard ra != rb else { continue }
            if separated(members[ra], members[rb]) {
                refused.append(number)
                continue
            }
            merges.append(Merge(a: link.0, b: link.1, probability: 1, forced: number))
            join(ra, rb)
        }
        let ordered = edges.filter { $0.probability >= threshold }
            .sorted { ($0.probability, -$0.a, -$0.b) > ($1.probability, -$1.a, -$1.b) }
        // Two groups refused once are refused again while neither has grown (the same members
        // give the same answer), so many strong pairs between two groups cost one decision.
        var refusedAt: [UInt64: Int] = [:]
        for edge in ordered {
            let ra = root(edge.a), rb = root(edge.b)
            guard ra != rb else { continue }
            let left = members[ra], right = members[rb]
            let key = UInt64(min(ra, rb)) << 32 | UInt64(max(ra, rb))
            if refusedAt[key] == left.count + right.count { continue }
            guard !cannotLink(left, right), !separated(left, right) else {
                refusedAt[key] = left.count + right.count
                continue
            }
            if left.count > 1 || right.count > 1 {
                var total = 0.0, pairs = 0
                let cross = left.count * right.count
                let step = max(1, cross / sampleLimit)
                var index = 0
                outer: for x in left {
                    for y in right {
                        if index % step == 0 {
                            total += score(x, y)
                            pairs += 1
                            if pairs >= sampleLimit { break outer }
                        }
                        index += 1
                    }
                }
                guard pairs > 0, total / Double(pairs) >= average else {
                    refusedAt[key] = left.count + right.count
                    continue
                }
            }
            merges.append(Merge(a: edge.a, b: edge.b, probability: edge.probability, forced: nil))
            join(ra, rb)
        }
        var label = [Int](repeating: 0, count: count)
        for index in 0..<count where !members[index].isEmpty {
            let smallest = members[index].min() ?? index
            for member in members[index] { label[member] = smallest }
        }
        return (label, merges, refused)
    }
}
