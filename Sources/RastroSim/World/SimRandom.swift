import RastroModel

/// The simulator's random numbers: xoshiro256** seeded through SplitMix64, so a seed gives the
/// same world on every machine and Swift version (the standard library's generator is neither
/// seedable nor stable). Each part of the world draws from its own stream, derived from the seed
/// and the stream's name, so changing one part does not reshuffle the others.
struct SimRandom: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64, stream: String = "") {
        var mix = SplitMix64(seed: seed ^ Self.fnv(stream))
        state = (mix.next(), mix.next(), mix.next(), mix.next())
    }

    /// A new independent stream for one item (a leg, a party …), derived from this one's seed.
    func fork(_ stream: String, _ index: Int = 0) -> SimRandom {
        SimRandom(seed: state.0 ^ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15, stream: stream)
    }

    static func fnv(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

    /// Uniform integer in the closed range.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 0x1.0p-60)
        let v = unit()
        return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
    }

    mutating func normal(_ mean: Double, _ deviation: Double) -> Double { mean + deviation * normal() }

    /// Log-normal with the given median and spread (σ of the log).
    mutating func logNormal(median: Double, sigma: Double) -> Double { median * _exp(sigma * normal()) }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// An index drawn with the given (non-negative) weights.
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var target = unit() * total
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.count - 1
    }

    /// `count` distinct indexes out of `0..<n`, in increasing order.
    mutating func sample(_ count: Int, of n: Int) -> [Int] {
        var chosen = Array(0..<n)
        let take = min(count, n)
        for index in 0..<take {
            let other = index + Int(next() % UInt64(n - index))
            chosen.swapAt(index, other)
        }
        return chosen[0..<take].sorted()
    }
}

// Foundation-free maths, so that RastroSim needs only the standard library and Glibc/Darwin.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _exp(_ x: Double) -> Double { exp(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }
@inline(__always) func _sin(_ x: Double) -> Double { sin(x) }
@inline(__always) func _atan2(_ y: Double, _ x: Double) -> Double { atan2(y, x) }
@inline(__always) func _asin(_ x: Double) -> Double { asin(x) }
