/// The distinct values of one field (or of a pair of interchangeable fields) over both tables,
/// folded as the field's kind says, each numbered once: records then hold integer codes, equal
/// values compare as equal integers, and a value's scalars and blocking code are worked out once
/// however many records share it.
struct Vocabulary: Sendable {
    /// Every value's Unicode scalars, end to end; value `c` is `scalars[starts[c]..<starts[c + 1]]`.
    var scalars: [UInt32] = []
    var starts: [Int32] = [0]
    /// What each value puts in a blocking key: for names, the number of its phonetic code (the
    /// phonetic keys of its words, joined); otherwise the value's own code.
    var blockCodes: [Int32] = []

    var count: Int { blockCodes.count }

    /// The value as a field of `kind` holds it: names folded, codes and identifiers without
    /// white space; nil when nothing is left.
    static func normalize(_ raw: String, kind: TableSpec.FieldKind) -> String? {
        let value = switch kind {
        case .name: Fold.text(raw)
        case .exact, .identifier: String(raw.filter { !$0.isWhitespace })
        }
        return value.isEmpty ? nil : value
    }

    /// Codes of `columns` (each a list of raw values, nil for missing), all in this vocabulary:
    /// -1 where the value is missing or normalizes to nothing.
    static func build(kind: TableSpec.FieldKind, columns: [[String?]]) -> (Vocabulary, [[Int32]]) {
        var vocabulary = Vocabulary()
        var rawCode: [String: Int32] = [:]
        var code: [String: Int32] = [:]
        var phonetic: [String: Int32] = [:]
        let codes = columns.map { column in
            column.map { raw -> Int32 in
                guard let raw else { return -1 }
                if let known = rawCode[raw] { return known }
                var result: Int32 = -1
                if let value = normalize(raw, kind: kind) {
                    if let known = code[value] {
                        result = known
                    } else {
                        result = Int32(vocabulary.count)
                        code[value] = result
                        vocabulary.scalars.append(contentsOf: value.unicodeScalars.map(\.value))
                        vocabulary.starts.append(Int32(vocabulary.scalars.count))
                        if kind == .name {
                            let key = value.split(separator: " ").map { Phonetic.key(String($0)) }.joined()
                            let number = phonetic[key] ?? Int32(phonetic.count)
                            phonetic[key] = number
                            vocabulary.blockCodes.append(number)
                        } else {
                            vocabulary.blockCodes.append(result)
                        }
                    }
                }
                rawCode[raw] = result
                return result
            }
        }
        return (vocabulary, codes)
    }
}

/// One or two tables as codes, record by record: `codes[side][record * fieldCount + field]`.
struct TableColumns: Sendable {
    var fieldCount: Int
    var codes: [[Int32]]
    var recordCounts: [Int]
    /// The vocabulary of each field: interchangeable fields share one.
    var vocabularyOf: [Int]
    var vocabularies: [Vocabulary]

    init(spec: TableSpec, tables: [[[String?]]]) {
        let fieldCount = spec.fields.count
        // Fields joined by an interchangeable pair share a vocabulary, so that values compare
        // across them.
        var vocabularyOf = Array(0..<fieldCount)
        func root(_ field: Int) -> Int { vocabularyOf[field] == field ? field : root(vocabularyOf[field]) }
        for pair in spec.interchangeable {
            let a = root(pair[0]), b = root(pair[1])
            vocabularyOf[max(a, b)] = min(a, b)
        }
        let roots = (0..<fieldCount).map(root)
        let groups = Array(Set(roots)).sorted()
        let built = Parallel.each(groups.count) { number in
            let fields = (0..<fieldCount).filter { roots[$0] == groups[number] }
            let columns = fields.flatMap { field in
                tables.map { table in table.map { field < $0.count ? $0[field] : nil } }
            }
            return (fields, Vocabulary.build(kind: spec.fields[fields[0]].kind, columns: columns))
        }
        var codes = tables.map { [Int32](repeating: -1, count: $0.count * fieldCount) }
        for (fields, (_, columns)) in built {
            for (position, field) in fields.enumerated() {
                for side in tables.indices {
                    let column = columns[position * tables.count + side]
                    codes[side].withUnsafeMutableBufferPointer { out in
                        for record in column.indices { out[record * fieldCount + field] = column[record] }
                    }
                }
            }
        }
        self.fieldCount = fieldCount
        self.codes = codes
        recordCounts = tables.map(\.count)
        self.vocabularyOf = roots.map { groups.firstIndex(of: $0)! }
        vocabularies = built.map(\.1.0)
    }

    func code(side: Int, record: Int, field: Int) -> Int32 { codes[side][record * fieldCount + field] }
}
