import Foundation

/// Reads a file in large chunks into a sliding window; readers parse the window in place.
struct ChunkedFile: ~Copyable {
    private let descriptor: Int32
    let path: String
    /// The window: `buffer[start..<end]` is unread input.
    var buffer: [UInt8]
    var start = 0
    var end = 0
    private(set) var atEOF = false
    private(set) var bytesRead = 0
    let maxRecordBytes: Int

    init(path: String, chunkBytes: Int = 1 << 20, maxRecordBytes: Int) throws(IngestError) {
        self.path = path
        self.maxRecordBytes = maxRecordBytes
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw IngestError(.file, file: path, reason: "cannot open the file (\(String(cString: strerror(errno))))")
        }
        buffer = [UInt8](repeating: 0, count: chunkBytes)
    }

    deinit { close(descriptor) }

    /// Moves unread bytes from `from` to the front and reads more. Returns false when nothing more
    /// came (end of file). Grows the buffer when one record fills it, up to `maxRecordBytes`.
    mutating func refill(keepingFrom from: Int) throws(IngestError) -> Bool {
        let keep = end - from
        if from > 0, keep > 0 {
            buffer.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress!.advanced(by: from), byteCount: keep)
            }
        }
        start = 0
        end = keep
        if atEOF { return false }
        if keep >= maxRecordBytes {
            throw IngestError(.file, file: path, reason: "a record is longer than \(maxRecordBytes) bytes (not a line-based text file, or an unclosed quote)")
        }
        if end == buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, maxRecordBytes)))
        }
        let capacity = buffer.count - end
        let got = buffer.withUnsafeMutableBytes { raw in
            read(descriptor, raw.baseAddress!.advanced(by: end), capacity)
        }
        if got < 0 {
            throw IngestError(.file, file: path, reason: "read failed (\(String(cString: strerror(errno))))")
        }
        if got == 0 {
            atEOF = true
            return false
        }
        end += got
        bytesRead += got
        return true
    }
}
