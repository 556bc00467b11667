import Foundation

/// Reads NDJSON: one JSON object per line (blank lines ignored), with the same field names as the
/// CSV form. Each object becomes a `RawRow` over a header that grows as new keys appear; numbers
/// and booleans become their text, null a missing cell, arrays of scalars a `;`-separated list, and
/// nested objects their JSON text.
public struct NDJSONReader: ~Copyable {
    private var file: ChunkedFile
    private var line = 0
    /// Column names in order of first appearance (lower-cased).
    public private(set) var header: [String] = []
    private var columnIndex: [String: Int] = [:]
    private var started = false

    public var path: String { file.path }
    public var bytesRead: Int { file.bytesRead }

    public init(path: String, maxRecordBytes: Int = 1 << 20) throws(IngestError) {
        file = try ChunkedFile(path: path, maxRecordBytes: maxRecordBytes)
    }

    /// The result of reading one line.
    public enum Line {
        /// A row; `headerGrew` tells the validator to look at the header again.
        case row(headerGrew: Bool)
        /// A line that is not a JSON object; the file's reader goes on with the next line.
        case invalid(line: Int, reason: String)
        case end
    }

    public mutating func next(into row: inout RawRow) throws(IngestError) -> Line {
        if !started {
            started = true
            _ = try file.refill(keepingFrom: 0)
            if file.buffer[file.start..<file.end].starts(with: [0xEF, 0xBB, 0xBF]) { file.start += 3 }
            if file.buffer[file.start..<file.end].contains(0) {
                throw IngestError(.file, file: file.path, reason: "binary content (NUL bytes): not an NDJSON text file")
            }
            let first = file.buffer[file.start..<file.end].first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
            if let first, first != UInt8(ascii: "{") {
                throw IngestError(.file, file: file.path, reason: "not NDJSON: the first line is not a JSON object")
            }
        }
        while true {
            guard let newline = file.buffer[file.start..<file.end].firstIndex(of: 0x0A) else {
                if file.start < file.end, file.atEOF {
                    return take(upTo: file.end, next: file.end, into: &row)
                }
                guard try file.refill(keepingFrom: file.start) || file.start < file.end else { return .end }
                continue
            }
            let result = take(upTo: newline, next: newline + 1, into: &row)
            if case .end = result { continue }
            return result
        }
    }

    /// Parses `buffer[start..<lineEnd]`; `.end` here means a blank line to skip.
    private mutating func take(upTo lineEnd: Int, next: Int, into row: inout RawRow) -> Line {
        line += 1
        var bytes = file.buffer[file.start..<lineEnd]
        file.start = next
        while let last = bytes.last, last == 0x0D || last == 0x20 || last == 0x09 { bytes.removeLast() }
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
        if bytes.isEmpty { return .end }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? [String: Any] else {
                return .invalid(line: line, reason: "not a JSON object")
            }
            object = parsed
        } catch {
            return .invalid(line: line, reason: "not valid JSON")
        }
        var grew = false
        var cells: [Int: String] = [:]
        for (key, value) in object {
            let name = key.trimmingCharacters(in: .whitespaces).lowercased()
            let index: Int
            if let known = columnIndex[name] {
                index = known
            } else {
                index = header.count
                header.append(name)
                columnIndex[name] = index
                grew = true
            }
            if let text = Self.text(value) { cells[index] = text }
        }
        row.reset(line: line)
        for index in 0..<header.count {
            if let text = cells[index] {
                row.storage.append(contentsOf: text.utf8)
                row.endCell()
            } else {
                row.endCell(present: false)
            }
        }
        return .row(headerGrew: grew)
    }

    static func text(_ value: Any) -> String? {
        switch value {
        case is NSNull: return nil
        case let string as String: return string
        case let number as NSNumber:
            let type = String(cString: number.objCType)
            if type == "c" || type == "B" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        case let list as [Any]:
            return list.map { text($0) ?? "" }.joined(separator: ";")
        default:
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
            return data.map { String(decoding: $0, as: UTF8.self) }
        }
    }
}
