import Foundation
import RastroModel

/// Writes rejected rows as NDJSON — `{"file", "line", "column", "reason", "kind", "record"}` — to a
/// temporary file renamed into place when the load ends, so a crash never leaves half a file.
final class RejectsWriter: @unchecked Sendable {
    let path: String
    private let temporary: String
    private let handle: FileHandle
    private var buffer = Data()
    private(set) var count = 0
    private let lock = NSLock()

    init(path: String) throws(IngestError) {
        self.path = path
        temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            throw IngestError(.usage, file: path, reason: "cannot create the rejects file")
        }
        self.handle = handle
    }

    func write(_ problem: IngestError, kind: Kind, header: [String], row: RawRow?) {
        lock.lock(); defer { lock.unlock() }
        var line = "{\"file\":\(JSONText.quote(problem.file)),\"line\":\(problem.line ?? 0),"
        line += "\"column\":\(problem.column.map(JSONText.quote) ?? "null"),\"reason\":\(JSONText.quote(problem.reason)),"
        line += "\"kind\":\"\(kind.rawValue)\""
        if let row {
            var cells: [String] = []
            for (index, name) in header.enumerated() where index < row.count && row.present[index] {
                cells.append(JSONText.quote(name) + ":" + JSONText.quote(row.string(index)))
            }
            line += ",\"record\":{" + cells.joined(separator: ",") + "}"
        }
        line += "}\n"
        buffer.append(contentsOf: line.utf8)
        count += 1
        if buffer.count > 1 << 20 { flush() }
    }

    private func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws(IngestError) {
        lock.lock(); defer { lock.unlock() }
        flush()
        try? handle.close()
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            throw IngestError(.usage, file: path, reason: "cannot write the rejects file")
        }
    }

    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporary)
    }
}
