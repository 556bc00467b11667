/// A streaming RFC 4180 reader: comma separator, `"` quoting with `""` escapes, quoted fields may
/// hold commas, quotes and newlines; LF or CRLF line ends; a UTF-8 BOM is skipped; blank lines are
/// ignored. Memory stays bounded by the largest record (`maxRecordBytes`).
public struct CSVReader: ~Copyable {
    private var file: ChunkedFile
    /// The physical line the next record starts on.
    private var line = 1
    private var started = false

    public var path: String { file.path }
    public var bytesRead: Int { file.bytesRead }

    public init(path: String, maxRecordBytes: Int = 1 << 20) throws(IngestError) {
        file = try ChunkedFile(path: path, maxRecordBytes: maxRecordBytes)
    }

    private enum Attempt {
        case record(next: Int, newlines: Int)
        case blank(next: Int)
        case needMore
        case failure(String)
    }

    /// Reads the next record into `row`; false at the end of the file.
    public mutating func next(into row: inout RawRow) throws(IngestError) -> Bool {
        if !started {
            started = true
            _ = try file.refill(keepingFrom: 0)
            try checkStart()
        }
        while true {
            if file.start == file.end {
                guard try file.refill(keepingFrom: file.start) else { return false }
                continue
            }
            row.reset(line: line)
            let attempt = file.buffer.withUnsafeBufferPointer { bytes in
                Self.parse(bytes, from: file.start, to: file.end, atEOF: file.atEOF, into: &row)
            }
            switch attempt {
            case .record(let next, let newlines):
                file.start = next
                line += newlines
                return true
            case .blank(let next):
                file.start = next
                line += 1
            case .needMore:
                _ = try file.refill(keepingFrom: file.start)
            case .failure(let reason):
                throw IngestError(.file, file: file.path, line: line, reason: reason)
            }
        }
    }

    /// Skips a BOM and refuses binary content before anything is parsed.
    private mutating func checkStart() throws(IngestError) {
        let window = file.buffer[file.start..<file.end]
        if window.starts(with: [0xEF, 0xBB, 0xBF]) { file.start += 3 }
        if file.buffer[file.start..<file.end].contains(0) {
            throw IngestError(.file, file: file.path, reason: "binary content (NUL bytes): not a CSV text file")
        }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, atEOF: Bool,
                              into row: inout RawRow) -> Attempt {
        let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        var p = from
        var newlines = 0
        // A blank line (LF or CRLF alone) is not a record.
        if bytes[p] == lf { return .blank(next: p + 1) }
        if bytes[p] == cr {
            if p + 1 < end { if bytes[p + 1] == lf { return .blank(next: p + 2) } } else if !atEOF { return .needMore }
        }
        while true {
            // One cell.
            if p < end, bytes[p] == quote {
                p += 1
                while true {
                    var q = p
                    while q < end, bytes[q] != quote {
                        if bytes[q] == lf { newlines += 1 }
                        q += 1
                    }
                    row.storage.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[p..<q]))
                    if q == end { return atEOF ? .failure("unterminated quoted field") : .needMore }
                    // bytes[q] is a quote: an escaped quote or the closing one.
                    if q + 1 < end, bytes[q + 1] == quote {
                        row.storage.append(quote)
                        p = q + 2
                        continue
                    }
                    if q + 1 == end, !atEOF { return .needMore }
                    p = q + 1
                    break
                }
                if p < end, bytes[p] != comma, bytes[p] != lf, bytes[p] != cr {
                    return .failure("unexpected character after a closing quote")
                }
            } else {
                let cellStart = p
                while p < end {
                    let byte = bytes[p]
                    if byte == comma || byte == lf || byte == cr { break }
                    p += 1
                }
                row.storage.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cellStart..<p]))
            }
            // After a cell: a comma, a line end, or the end of the input.
            if p == end {
                if !atEOF { return .needMore }
                row.endCell()
                return .record(next: p, newlines: newlines + 1)
            }
            let byte = bytes[p]
            if byte == comma {
                row.endCell()
                p += 1
                continue
            }
            if byte == lf {
                row.endCell()
                return .record(next: p + 1, newlines: newlines + 1)
            }
            // CR: part of CRLF, or a lone CR that ends the line.
            if p + 1 == end, !atEOF { return .needMore }
            row.endCell()
            return .record(next: (p + 1 < end && bytes[p + 1] == lf) ? p + 2 : p + 1, newlines: newlines + 1)
        }
    }
}
