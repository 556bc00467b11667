/// String similarity measures used by the comparison levels.
public enum Similarity {
    /// Jaro–Winkler similarity in [0, 1] over Unicode scalars (prefix scale 0.1, up to 4).
    public static func jaroWinkler(_ a: String, _ b: String) -> Double {
        jaroWinkler(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    public static func jaroWinkler(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        if a.isEmpty || b.isEmpty { return 0 }
        if a == b { return 1 }
        let window = max(0, max(a.count, b.count) / 2 - 1)
        if a.count <= 64, b.count <= 64 { return jaroWinklerShort(a, b, window: window) }
        var aMatched = [Bool](repeating: false, count: a.count)
        var bMatched = [Bool](repeating: false, count: b.count)
        var matches = 0
        for i in a.indices {
            let low = max(0, i - window), high = min(b.count - 1, i + window)
            guard low <= high else { continue }
            for j in low...high where !bMatched[j] && a[i] == b[j] {
                aMatched[i] = true
                bMatched[j] = true
                matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var transpositions = 0
        var j = 0
        for i in a.indices where aMatched[i] {
            while !bMatched[j] { j += 1 }
            if a[i] != b[j] { transpositions += 1 }
            j += 1
        }
        return winkler(a, b, matches: matches, transpositions: transpositions)
    }

    /// Jaro from the counts, raised for a common prefix of up to four.
    private static func winkler(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], matches: Int, transpositions: Int) -> Double {
        let m = Double(matches)
        let jaro = (m / Double(a.count) + m / Double(b.count) + (m - Double(transpositions / 2)) / m) / 3
        var prefix = 0
        while prefix < min(4, a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    /// The same for strings of at most 64 scalars, with bit masks instead of arrays (no allocation).
    private static func jaroWinklerShort(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], window: Int) -> Double {
        var aMatched: UInt64 = 0, bMatched: UInt64 = 0
        var matches = 0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 0..<a.count {
                    let low = max(0, i - window), high = min(b.count - 1, i + window)
                    guard low <= high else { continue }
                    for j in low...high where bMatched & (1 << UInt64(j)) == 0 && a[i] == b[j] {
                        aMatched |= 1 << UInt64(i)
                        bMatched |= 1 << UInt64(j)
                        matches += 1
                        break
                    }
                }
            }
        }
        guard matches > 0 else { return 0 }
        var transpositions = 0
        var j = 0
        for i in a.indices where aMatched & (1 << UInt64(i)) != 0 {
            while bMatched & (1 << UInt64(j)) == 0 { j += 1 }
            if a[i] != b[j] { transpositions += 1 }
            j += 1
        }
        return winkler(a, b, matches: matches, transpositions: transpositions)
    }

    /// Damerau–Levenshtein distance (optimal string alignment), capped: returns `limit + 1` as soon
    /// as the distance must exceed `limit`.
    public static func editDistance(_ a: String, _ b: String, limit: Int = 3) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if abs(x.count - y.count) > limit { return limit + 1 }
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { current[j] = min(current[j], previous2[j - 2] + 1) }
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return min(previous[y.count], limit + 1)
    }

    /// Jaccard similarity of two token sets.
    public static func jaccard(_ a: [String], _ b: [String]) -> Double {
        let left = Set(a), right = Set(b)
        let union = left.union(right).count
        return union == 0 ? 1 : Double(left.intersection(right).count) / Double(union)
    }
}

/// A phonetic key for Spanish (and passably English) words, so that spelling variants that sound
/// alike share a blocking key: b/v, c/s/z before e and i, c/k/q, ll/y, silent h, g/j before e and i,
/// doubled letters; vowels after the first letter dropped.
public enum Phonetic {
    public static func key(_ word: String) -> String {
        let letters = Array(Fold.text(word).filter(\.isLetter))
        var out: [Character] = []
        var index = 0
        func next(_ offset: Int) -> Character? { index + offset < letters.count ? letters[index + offset] : nil }
        while index < letters.count {
            let letter = letters[index]
            var code: Character?
            switch letter {
            case "a", "e", "i", "o", "u": code = out.isEmpty ? "A" : nil
            case "b", "v", "w": code = "B"
            case "c":
                if next(1) == "h" { code = "X"; index += 1 } else if ["e", "i"].contains(next(1)) { code = "S" } else { code = "K" }
            case "s", "z": code = "S"
            case "k", "q": code = "K"
            case "g": code = ["e", "i"].contains(next(1)) ? "J" : "G"
            case "j": code = "J"
            case "h": code = nil
            case "l": if next(1) == "l" { code = "Y"; index += 1 } else { code = "L" }
            case "y": code = "Y"
            case "x": code = "X"
            case "r": code = "R"
            case "n", "m": code = letter == "n" ? "N" : "M"
            default: code = Character(letter.uppercased())
            }
            if let code, out.last != code { out.append(code) }
            index += 1
        }
        return String(out)
    }
}
