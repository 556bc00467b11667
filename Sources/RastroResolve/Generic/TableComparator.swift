/// Compares two records of prepared tables field by field. A comparison (one level per field, as
/// in `FellegiSunter.Pattern`) is packed into one integer, field by field in mixed radix with 0
/// for a missing value, so that counting patterns and looking up their probability allocate
/// nothing.
struct TableComparator: Sendable {
    let kinds: [TableSpec.FieldKind]
    let levels: [Int]
    let codes: [[Int32]]
    let fieldCount: Int
    /// Every vocabulary's scalars end to end.
    let scalars: [UInt32]
    /// Value `c` of field `f` is `values[base[f] + c]`.
    let values: [Value]
    let base: [Int]
    let shape: [(kind: Int, top: Int)]
    /// The place value of each field's digit.
    let radix: [UInt64]
    let swaps: [(Int, Int)]
    /// The fields in `swaps`, as bits.
    let swapped: UInt64
    let left: Int
    let right: Int

    /// Compares records of table `left` with records of table `right` (the same for deduplication).
    init(spec: TableSpec, levels: [Int], columns: TableColumns, left: Int = 0, right: Int = 1) {
        kinds = spec.fields.map(\.kind)
        self.levels = levels
        codes = columns.codes
        fieldCount = columns.fieldCount
        var scalars: [UInt32] = [], values: [Value] = [], vocabularyBase: [Int] = []
        for vocabulary in columns.vocabularies {
            vocabularyBase.append(values.count)
            vocabulary.scalars.withUnsafeBufferPointer { stored in
                for code in 0..<vocabulary.count {
                    let start = Int(vocabulary.starts[code]), end = Int(vocabulary.starts[code + 1])
                    values.append(Value(UnsafeBufferPointer(rebasing: stored[start..<end]), at: scalars.count + start))
                }
            }
            scalars.append(contentsOf: vocabulary.scalars)
        }
        self.scalars = scalars
        self.values = values
        base = columns.vocabularyOf.map { vocabularyBase[$0] }
        shape = zip(spec.fields, levels).map { field, count in
            (kind: field.kind == .name ? 0 : field.kind == .exact ? 1 : 2, top: count - 1)
        }
        var place: UInt64 = 1
        var radix: [UInt64] = []
        for count in levels {
            radix.append(place)
            place *= UInt64(count + 1)
        }
        self.radix = radix
        swaps = spec.interchangeable.map { ($0[0], $0[1]) }
        swapped = spec.interchangeable.joined().reduce(0) { $0 | 1 &<< UInt64($1) }
        self.left = left
        self.right = right
    }

    /// The packed comparison of record `i` of the left table with record `j` of the right one.
    func pattern(_ i: Int, _ j: Int) -> UInt64 {
        withCursor { $0.pattern(i, j) }
    }

    /// `body` with the comparator's storage opened once, for comparing many pairs.
    func withCursor<T>(_ body: (Cursor) -> T) -> T {
        codes[left].withUnsafeBufferPointer { a in
            codes[right].withUnsafeBufferPointer { b in
                scalars.withUnsafeBufferPointer { scalars in
                    values.withUnsafeBufferPointer { values in
                        base.withUnsafeBufferPointer { base in
                            shape.withUnsafeBufferPointer { shape in
                                radix.withUnsafeBufferPointer { radix in
                                    body(Cursor(left: a.baseAddress!, right: b.baseAddress!, scalars: scalars.baseAddress!,
                                                values: values.baseAddress!, base: base.baseAddress!,
                                                shape: shape.baseAddress!, radix: radix.baseAddress!, fieldCount: fieldCount,
                                                swapped: swapped, swaps: swaps))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The comparator's storage as pointers, valid inside `withCursor` only.
    struct Cursor {
        let left: UnsafePointer<Int32>
        let right: UnsafePointer<Int32>
        let scalars: UnsafePointer<UInt32>
        let values: UnsafePointer<Value>
        let base: UnsafePointer<Int>
        /// Per field: the kind (0 name, 1 exact, 2 identifier) and the top level.
        let shape: UnsafePointer<(kind: Int, top: Int)>
        let radix: UnsafePointer<UInt64>
        let fieldCount: Int
        let swapped: UInt64
        let swaps: [(Int, Int)]

        /// The level of one field for two value codes of its vocabulary: -1 when either is missing.
        @inline(__always)
        func level(_ field: Int, _ p: Int32, _ q: Int32) -> Int {
            if p < 0 || q < 0 { return -1 }
            let (kind, top) = shape[field]
            if p == q { return top }
            if kind == 1 { return 0 }
            let a = values[base[field] + Int(p)], b = values[base[field] + Int(q)]
            if kind == 2 {
                // One edit changes at most two scalars of the sets, and the length by one.
                guard (a.set ^ b.set).nonzeroBitCount <= 2, a.count &+ 1 >= b.count, b.count &+ 1 >= a.count else { return 0 }
                return Similarity.withinOneEdit(a.scalars(scalars), b.scalars(scalars)) ? 1 : 0
            }
            if a.jaroWinklerBound(b) < 0.8 - 1e-9 { return 0 }
            let similarity = Similarity.jaroWinkler(a.scalars(scalars), b.scalars(scalars))
            return similarity >= 0.92 ? 2 : similarity >= 0.8 ? 1 : 0
        }

        /// Interchangeable fields are compared crosswise as well, and crosswise wins when its two
        /// levels add up to more than the straight ones (a missing value counting as the lowest).
        func pattern(_ i: Int, _ j: Int) -> UInt64 {
            let x = left + i * fieldCount, y = right + j * fieldCount
            var code: UInt64 = 0
            for field in 0..<fieldCount where swapped & (1 &<< UInt64(field)) == 0 {
                code &+= UInt64(level(field, x[field], y[field]) + 1) &* radix[field]
            }
            for (f, g) in swaps {
                var levelF = level(f, x[f], y[f]), levelG = level(g, x[g], y[g])
                let straight = max(levelF, 0) + max(levelG, 0)
                if straight < shape[f].top + shape[g].top {
                    let crossF = level(f, x[f], y[g]), crossG = level(g, x[g], y[f])
                    if max(crossF, 0) + max(crossG, 0) > straight { (levelF, levelG) = (crossF, crossG) }
                }
                code &+= UInt64(levelF + 1) &* radix[f] &+ UInt64(levelG + 1) &* radix[g]
            }
            return code
        }
    }

    /// What a comparison needs of a value at hand: its scalar set, its first four scalars (low 16
    /// bits each) and where its scalars are, in one place (one memory load for most comparisons).
    struct Value {
        var set: UInt64
        var head: UInt64
        var start: UInt32
        var count: UInt32

        /// The summary of `scalars`, stored from `start` on.
        init(_ scalars: UnsafeBufferPointer<UInt32>, at start: Int) {
            set = scalars.reduce(0) { $0 | 1 &<< UInt64($1 & 63) }
            head = 0
            for (position, scalar) in scalars.prefix(4).enumerated() { head |= UInt64(scalar & 0xFFFF) &<< UInt64(16 * position) }
            self.start = UInt32(start)
            count = UInt32(scalars.count)
        }

        func scalars(_ storage: UnsafePointer<UInt32>) -> UnsafeBufferPointer<UInt32> {
            UnsafeBufferPointer(start: storage + Int(start), count: Int(count))
        }

        /// An upper bound on the Jaro–Winkler similarity of the two values, without reading
        /// their scalars: of a value's scalars, those whose set bit the other lacks cannot be
        /// matched, and there is at least one for each such bit; transpositions are taken as
        /// none, and the common prefix as at most what the heads share.
        func jaroWinklerBound(_ other: Value) -> Double {
            let la = Int(count), lb = Int(other.count)
            let m = Double(min(la - (set & ~other.set).nonzeroBitCount, lb - (other.set & ~set).nonzeroBitCount))
            guard m > 0 else { return 0 }
            let jaro = (m / Double(la) + m / Double(lb) + 1) / 3
            let differ = head ^ other.head
            let prefix = min(differ == 0 ? 4 : differ.trailingZeroBitCount / 16, 4, la, lb)
            return jaro + Double(prefix) * 0.1 * (1 - jaro)
        }
    }

    /// The pattern a packed comparison stands for.
    func decode(_ code: UInt64) -> FellegiSunter.Pattern {
        levels.indices.map { Int8(Int((code / radix[$0]) % UInt64(levels[$0] + 1)) - 1) }
    }
}

/// A model's match probability for packed comparisons: the same sums, in the same order, as
/// `FellegiSunter.probability(_:)`, from a table of the fields' weights.
struct PackedScorer: Sendable {
    let weights: [[Double]]
    let priorWeight: Double
    let radix: [UInt64]
    let levels: [Int]

    init(model: FellegiSunter, comparator: TableComparator) {
        weights = model.fields.indices.map { field in model.fields[field].levels.indices.map { model.weight(field: field, level: $0) } }
        priorWeight = model.priorWeight
        radix = comparator.radix
        levels = comparator.levels
    }

    func probability(_ code: UInt64) -> Double {
        var total = priorWeight
        for field in weights.indices {
            let digit = Int((code / radix[field]) % UInt64(levels[field] + 1))
            if digit > 0 { total += weights[field][digit - 1] }
        }
        return 1 / (1 + _exp2(-total))
    }
}
