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

    /// Cluster label (the smallest member index) of each of `count` records.
    public func cluster(count: Int, edges: [Edge], score: (Int, Int) -> Double, cannotLink: ([Int], [Int]) -> Bool) -> [Int] {
        var parent = Array(0..<count)
        var members = (0..<count).map { [$0] }
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        let ordered = edges.filter { $0.probability >= threshold }
            .sorted { ($0.probability, -$0.a, -$0.b) > ($1.probability, -$1.a, -$1.b) }
        for edge in ordered {
            let ra = root(edge.a), rb = root(edge.b)
            guard ra != rb else { continue }
            let left = members[ra], right = members[rb]
            guard !cannotLink(left, right) else { continue }
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
                guard pairs > 0, total / Double(pairs) >= average else { continue }
            }
            let (keep, drop) = left.count >= right.count ? (ra, rb) : (rb, ra)
            parent[drop] = keep
            members[keep] += members[drop]
            members[drop] = []
        }
        var label = [Int](repeating: 0, count: count)
        for index in 0..<count where !members[index].isEmpty {
            let smallest = members[index].min() ?? index
            for member in members[index] { label[member] = smallest }
        }
        return label
    }
}
