/// The Fellegi–Sunter model: for each compared field, the probability of each comparison level
/// among matches (m) and among non-matches (u), and the prior share of matches among the
/// compared pairs (λ). A pair's match weight is log2(λ/(1−λ)) plus, per field, log2(m/u) of the
/// level it reached (a missing value adds nothing). Estimated without labels: u from random
/// pairs (nearly all non-matches), then m and λ by expectation–maximisation over the candidate
/// pairs' comparison patterns (each distinct pattern once, with its count).
public struct FellegiSunter: Sendable, Hashable, Codable {
    public struct Field: Sendable, Hashable, Codable {
        public var name: String
        /// Level names, from the most different (0) to the most alike.
        public var levels: [String]

        public init(name: String, levels: [String]) {
            self.name = name
            self.levels = levels
        }
    }

    public var fields: [Field]
    /// m[field][level]
    public var m: [[Double]]
    /// u[field][level]
    public var u: [[Double]]
    public var prior: Double
    /// EM iterations run, and whether it converged.
    public var iterations = 0
    public var converged = false

    /// A comparison: one level per field, or -1 where either side is missing.
    public typealias Pattern = [Int8]

    public init(fields: [Field]) {
        self.fields = fields
        m = fields.map { field in
            // Matches mostly agree: weight toward the top level.
            let raw = field.levels.indices.map { Double(1 << min($0 * 2, 20)) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        }
        u = fields.map { field in
            let raw = field.levels.indices.map { Double(1 << min((field.levels.count - 1 - $0) * 2, 20)) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        }
        prior = 0.1
    }

    /// log2(m/u) of one field's level.
    public func weight(field: Int, level: Int) -> Double {
        _log2(max(m[field][level], 1e-9) / max(u[field][level], 1e-9))
    }

    public var priorWeight: Double { _log2(max(prior, 1e-12) / max(1 - prior, 1e-12)) }

    public func matchWeight(_ pattern: Pattern) -> Double {
        var total = priorWeight
        for (field, level) in pattern.enumerated() where level >= 0 { total += weight(field: field, level: Int(level)) }
        return total
    }

    public func probability(_ pattern: Pattern) -> Double {
        let weight = matchWeight(pattern)
        return 1 / (1 + _exp2(-weight))
    }

    /// u from the patterns of random pairs (treated as non-matches), with add-one smoothing.
    public mutating func estimateU(randomPairs: [Pattern: Int]) {
        for field in fields.indices {
            var counts = [Double](repeating: 1, count: fields[field].levels.count)
            for (pattern, count) in randomPairs where pattern[field] >= 0 { counts[Int(pattern[field])] += Double(count) }
            let total = counts.reduce(0, +)
            u[field] = counts.map { $0 / total }
        }
    }

    /// Starts m and λ from pairs that are almost surely matches (`anchors`, e.g. the same valid tax
    /// id), so that EM climbs toward the match class and not toward some other frequent pattern
    /// (names that merely look alike are common among non-matches in a block).
    public mutating func seed(anchors: [Pattern: Int], candidates: Int) {
        let total = anchors.values.reduce(0, +)
        guard total > 0, candidates > 0 else { return }
        for field in fields.indices {
            var counts = [Double](repeating: 0.5, count: fields[field].levels.count)
            for (pattern, count) in anchors where pattern[field] >= 0 { counts[Int(pattern[field])] += Double(count) }
            let sum = counts.reduce(0, +)
            m[field] = counts.map { $0 / sum }
        }
        prior = min(max(Double(total) / Double(candidates), 1e-4), 0.5)
    }

    /// EM over the candidate pairs' patterns. With `fixU`, u stays as estimated from random pairs.
    public mutating func estimate(patterns: [Pattern: Int], fixU: Bool = true, maxIterations: Int = 1_000, tolerance: Double = 1e-6) {
        let entries = patterns.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        let total = Double(entries.reduce(0) { $0 + $1.value })
        guard total > 0 else { return }
        converged = false
        for iteration in 1...maxIterations {
            iterations = iteration
            var mCounts = fields.map { [Double](repeating: 1e-3, count: $0.levels.count) }
            var uCounts = fields.map { [Double](repeating: 1e-3, count: $0.levels.count) }
            var matched = 0.0
            for (pattern, count) in entries {
                let g = probability(pattern)
                let n = Double(count)
                matched += g * n
                for (field, level) in pattern.enumerated() where level >= 0 {
                    mCounts[field][Int(level)] += g * n
                    uCounts[field][Int(level)] += (1 - g) * n
                }
            }
            // Matches are a minority of the candidate pairs; a "match" class that swallows most of
            // them is EM's degenerate solution, not a finding.
            var change = abs(matched / total - prior)
            prior = min(max(matched / total, 1e-6), 0.5)
            for field in fields.indices {
                let mTotal = mCounts[field].reduce(0, +)
                let newM = mCounts[field].map { $0 / mTotal }
                change = max(change, zip(newM, m[field]).map { abs($0 - $1) }.max() ?? 0)
                m[field] = newM
                if !fixU {
                    let uTotal = uCounts[field].reduce(0, +)
                    u[field] = uCounts[field].map { $0 / uTotal }
                }
            }
            if change < tolerance {
                converged = true
                break
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func _log2(_ x: Double) -> Double { log2(x) }
@inline(__always) func _exp2(_ x: Double) -> Double { exp2(x) }
