/// One record's cells as bytes, reused from row to row: the reader fills it, the validator reads it.
public struct RawRow: Sendable {
    /// The cells' bytes back to back.
    public var storage: [UInt8] = []
    /// End offset of each cell in `storage`; cell i spans `ends[i-1]..<ends[i]`.
    public var ends: [Int] = []
    /// False for a cell that is absent (NDJSON: key missing or null).
    public var present: [Bool] = []
    /// The physical line the record starts on.
    public var line = 0

    public init() {
        storage.reserveCapacity(4096)
        ends.reserveCapacity(64)
        present.reserveCapacity(64)
    }

    public var count: Int { ends.count }

    mutating func reset(line: Int) {
        storage.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        present.removeAll(keepingCapacity: true)
        self.line = line
    }

    mutating func endCell(present isPresent: Bool = true) {
        ends.append(storage.count)
        present.append(isPresent)
    }

    func range(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// The cell as a String (lossless only for valid UTF-8; the validator checks first).
    public func string(_ index: Int) -> String {
        String(decoding: storage[range(index)], as: UTF8.self)
    }
}
