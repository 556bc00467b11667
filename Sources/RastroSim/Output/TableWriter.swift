import RastroModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one contract file (CSV, or NDJSON) through a 1 MiB buffer. Cells are written as given;
/// nil or empty is a missing value. CSV cells are quoted when they hold a comma, quote or line
/// break, as RFC 4180 says.
final class TableWriter {
    enum Format { case csv, ndjson }

    let path: String
    let columns: [String]
    let format: Format
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private(set) var rows = 0

    init(path: String, columns: [String], format: Format = .csv) throws {
        guard let file = fopen(path, "wb") else { throw SimulationError("\(path): cannot create the file") }
        self.path = path
        self.columns = columns
        self.format = format
        self.file = file
        buffer.reserveCapacity(1 << 20 + 4096)
        if format == .csv {
            append(columns.joined(separator: ","))
            buffer.append(0x0A)
        }
    }

    deinit { fclose(file) }

    /// One row, aligned with `columns`.
    func row(_ cells: [String?]) throws {
        precondition(cells.count == columns.count, "a row of \(path) has \(cells.count) cells for \(columns.count) columns")
        switch format {
        case .csv:
            for (index, cell) in cells.enumerated() {
                if index > 0 { buffer.append(0x2C) }
                if let cell, !cell.isEmpty { appendCSV(cell) }
            }
        case .ndjson:
            buffer.append(0x7B)
            var first = true
            for (index, cell) in cells.enumerated() {
                guard let cell, !cell.isEmpty else { continue }
                if !first { buffer.append(0x2C) }
                first = false
                appendJSONString(columns[index])
                buffer.append(0x3A)
                appendJSONString(cell)
            }
            buffer.append(0x7D)
        }
        buffer.append(0x0A)
        rows += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// A row already formatted as CSV bytes, with its line break (the track-point fast path).
    func raw(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        rows += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == buffer.count else { throw SimulationError("\(path): write failed (disk full?)") }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        guard fflush(file) == 0 else { throw SimulationError("\(path): write failed (disk full?)") }
    }

    private func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
    }

    private func appendCSV(_ cell: String) {
        let needsQuotes = cell.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { return append(cell) }
        buffer.append(0x22)
        for byte in cell.utf8 {
            if byte == 0x22 { buffer.append(0x22) }
            buffer.append(byte)
        }
        buffer.append(0x22)
    }

    private func appendJSONString(_ text: String) {
        buffer.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: buffer.append(contentsOf: [0x5C, 0x22])
            case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
            case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: buffer.append(byte)
            }
        }
        buffer.append(0x22)
    }
}

/// Fixed-point text for coordinates and quantities, and ISO timestamps, without `String(format:)`.
enum Format {
    /// `value` with exactly `decimals` decimals (half away from zero), trailing zeros trimmed.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        var whole = Int64(scaled / scale)
        var fraction = Int64(scaled - Double(whole) * scale)
        if fraction < 0 { whole -= 1; fraction += Int64(scale) }
        var text = (value < 0 && scaled != 0 ? "-" : "") + String(whole)
        if fraction > 0 {
            var digits = String(fraction)
            while digits.count < decimals { digits = "0" + digits }
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    /// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (the model's own formatter), or as local time
    /// with its UTC offset (`…-06:00`).
    static func timestamp(_ seconds: Int, offsetMinutes: Int = 0) -> String {
        let text = Timestamp.format(epoch: Int64(seconds + offsetMinutes * 60))
        guard offsetMinutes != 0 else { return text }
        let magnitude = abs(offsetMinutes)
        return text.dropLast() + (offsetMinutes < 0 ? "-" : "+") + Names.format2(magnitude / 60) + ":" + Names.format2(magnitude % 60)
    }
}
