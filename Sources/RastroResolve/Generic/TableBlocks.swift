/// The blocks of one or two tables: every record's block numbers (one slot per blocking key, -1
/// where the record lacks a field of the key) and each block's members, table by table, in record
/// order. A key's parts are value codes (phonetic codes for names), so building the blocks hashes
/// integers, not strings.
struct TableBlocks: Sendable {
    let keyCount: Int
    /// `keys[side][record * keyCount + key]`
    let keys: [[Int32]]
    /// Members of block `b` in table `side`: `members[side][starts[side][b]..<starts[side][b + 1]]`.
    let starts: [[Int]]
    let members: [[Int32]]

    init(spec: TableSpec, columns: TableColumns) {
        let keyCount = spec.blocking.count
        let sides = columns.codes.count
        // Each key's blocks are numbered on their own (in parallel), then offset.
        let numbered = Parallel.each(keyCount) { key in
            var number: [UInt64: Int32] = [:]
            let fields = spec.blocking[key]
            // A key over both fields of an interchangeable pair takes their two parts in order of
            // value, so that records with the two swapped share the block.
            let unordered = spec.interchangeable.compactMap { pair -> (Int, Int)? in
                guard let p = fields.firstIndex(of: pair[0]), let q = fields.firstIndex(of: pair[1]) else { return nil }
                return (min(p, q), max(p, q))
            }
            var parts = [Int32](repeating: 0, count: fields.count)
            let keys = (0..<sides).map { side in
                (0..<columns.recordCounts[side]).map { record -> Int32 in
                    for (position, field) in fields.enumerated() {
                        let code = columns.code(side: side, record: record, field: field)
                        guard code >= 0 else { return -1 }
                        parts[position] = spec.fields[field].kind == .name
                            ? columns.vocabularies[columns.vocabularyOf[field]].blockCodes[Int(code)] : code
                    }
                    for (p, q) in unordered where parts[p] > parts[q] { parts.swapAt(p, q) }
                    var current: Int32 = -1
                    for (position, part) in parts.enumerated() {
                        // The first part is keyed apart from any block number.
                        let prefix = position == 0 ? UInt64(1) << 63 : UInt64(UInt32(bitPattern: current)) << 32
                        let pair = prefix | UInt64(UInt32(bitPattern: part))
                        if let known = number[pair] {
                            current = known
                        } else {
                            current = Int32(number.count)
                            number[pair] = current
                        }
                    }
                    return current
                }
            }
            return (keys, number.count)
        }
        // Only full keys number blocks; intermediate numbers (a first part of a two-part key) are
        // numbered too but then hold no members.
        var offset = [Int](repeating: 0, count: keyCount + 1)
        for key in 0..<keyCount { offset[key + 1] = offset[key] + numbered[key].1 }
        let blockCount = offset[keyCount]
        var keys: [[Int32]] = []
        var starts: [[Int]] = []
        var members: [[Int32]] = []
        for side in 0..<sides {
            let records = columns.recordCounts[side]
            var sideKeys = [Int32](repeating: -1, count: records * keyCount)
            var count = [Int](repeating: 0, count: blockCount + 1)
            for key in 0..<keyCount {
                let local = numbered[key].0[side]
                for record in 0..<records where local[record] >= 0 {
                    let block = offset[key] + Int(local[record])
                    sideKeys[record * keyCount + key] = Int32(block)
                    count[block + 1] += 1
                }
            }
            for block in 0..<blockCount { count[block + 1] += count[block] }
            var next = count
            var sideMembers = [Int32](repeating: 0, count: count[blockCount])
            for record in 0..<records {
                for key in 0..<keyCount {
                    let block = Int(sideKeys[record * keyCount + key])
                    guard block >= 0 else { continue }
                    sideMembers[next[block]] = Int32(record)
                    next[block] += 1
                }
            }
            keys.append(sideKeys)
            starts.append(count)
            members.append(sideMembers)
        }
        self.keyCount = keyCount
        self.keys = keys
        self.starts = starts
        self.members = members
    }

    func size(side: Int, block: Int) -> Int { starts[side][block + 1] - starts[side][block] }
}
