/// The measures of `Similarity` over scalar values held in a buffer (a vocabulary's storage), so
/// that comparing two stored values allocates nothing.
extension Similarity {
    /// Jaro–Winkler as `jaroWinkler(_:_:)` computes it, to the bit (equal values need no special
    /// case: they score exactly 1 here too).
    static func jaroWinkler(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Double {
        let la = a.count, lb = b.count
        if la == 0 || lb == 0 { return la == lb ? 1 : 0 }
        guard la <= 64, lb <= 64, let x = a.baseAddress, let y = b.baseAddress else {
            return jaroWinkler(a.map { Unicode.Scalar($0) ?? " " }, b.map { Unicode.Scalar($0) ?? " " })
        }
        let window = max(0, max(la, lb) / 2 - 1)
        var aMatched: UInt64 = 0, bMatched: UInt64 = 0
        var matches = 0
        for i in 0..<la {
            let low = max(0, i - window), high = min(lb - 1, i + window)
            let scalar = x[i]
            var j = low
            while j <= high {
                if bMatched & (1 &<< UInt64(j)) == 0 && scalar == y[j] {
                    aMatched |= 1 &<< UInt64(i)
                    bMatched |= 1 &<< UInt64(j)
                    matches += 1
                    break
                }
                j += 1
            }
        }
        guard matches > 0 else { return 0 }
        var transpositions = 0
        var j = 0
        var remaining = aMatched
        while remaining != 0 {
            let i = remaining.trailingZeroBitCount
            remaining &= remaining &- 1
            while bMatched & (1 &<< UInt64(j)) == 0 { j += 1 }
            if x[i] != y[j] { transpositions += 1 }
            j += 1
        }
        let m = Double(matches)
        let jaro = (m / Double(la) + m / Double(lb) + (m - Double(transpositions / 2)) / m) / 3
        var prefix = 0
        let most = min(4, la, lb)
        while prefix < most, x[prefix] == y[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    /// Whether `editDistance(a, b, limit: 1) <= 1`: equal, or one substitution, insertion,
    /// deletion or swap of neighbours apart; found in one pass, without the distance table.
    static func withinOneEdit(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> Bool {
        let (long, short) = a.count >= b.count ? (a, b) : (b, a)
        let n = long.count, s = short.count
        guard n - s <= 1 else { return false }
        guard let x = long.baseAddress else { return true }
        guard let y = short.baseAddress else { return n <= 1 }
        var k = 0
        while k < s, x[k] == y[k] { k += 1 }
        if k == s { return true }
        func same(_ from: Int, _ to: Int) -> Bool {
            var p = from, q = to
            while p < n {
                if x[p] != y[q] { return false }
                p += 1
                q += 1
            }
            return true
        }
        if n == s + 1 { return same(k + 1, k) }
        if same(k + 1, k + 1) { return true }
        return k + 1 < n && x[k] == y[k + 1] && x[k + 1] == y[k] && same(k + 2, k + 2)
    }
}

extension Similarity {
    /// How two names' words correspond (`wordsAgree`).
    enum WordAgreement {
        /// A word of the name with fewer words has no counterpart in the other.
        case none
        /// Every word of the name with fewer words has a counterpart, and the other has more words.
        case oneSideCovered
        /// As many words, and every word of each has a counterpart in the other.
        case wordForWord
    }

    /// How two names' words correspond. A word's counterpart is a word of the other name that is
    /// the same, starts with it or is its start (at least 3 letters), or scores Jaro–Winkler ≥ 0.85.
    /// A typo keeps the names word for word; a word more or less (which may be another company:
    /// "X" and "X e Hijos") covers one side only; a different distinctive word covers neither.
    /// "especialidades quimicas esquivel" and "especialidades quimicas occidente hermanos" score
    /// 0.87 as whole strings, carried by their shared first words, but "esquivel" has no
    /// counterpart. Words are separated by single spaces (`NormalizedName.core`).
    static func wordsAgree(_ a: UnsafeBufferPointer<UInt32>, _ b: UnsafeBufferPointer<UInt32>) -> WordAgreement {
        let x = words(a), y = words(b)
        if x.count < y.count { return covered(x, a, by: y, b) ? .oneSideCovered : .none }
        if y.count < x.count { return covered(y, b, by: x, a) ? .oneSideCovered : .none }
        return covered(x, a, by: y, b) && covered(y, b, by: x, a) ? .wordForWord : .none
    }

    /// The ranges of the space-separated words of `name`.
    private static func words(_ name: UnsafeBufferPointer<UInt32>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for index in 0...name.count where index == name.count || name[index] == 0x20 {
            if index > start { ranges.append(start..<index) }
            start = index + 1
        }
        return ranges
    }

    private static func covered(_ words: [Range<Int>], _ name: UnsafeBufferPointer<UInt32>,
                                by others: [Range<Int>], _ other: UnsafeBufferPointer<UInt32>) -> Bool {
        words.allSatisfy { word in
            let w = UnsafeBufferPointer(rebasing: name[word])
            return others.contains { candidate in
                let v = UnsafeBufferPointer(rebasing: other[candidate])
                let shorter = min(w.count, v.count)
                if shorter >= 3, w.prefix(shorter).elementsEqual(v.prefix(shorter)) { return true }
                return w.elementsEqual(v) || jaroWinkler(w, v) >= 0.85
            }
        }
    }
}
