import Foundation
import RastroIngest

/// Shows ingest progress on stderr: a bar with rows/s and ETA on a terminal, plain lines (one per
/// finished file) otherwise.
final class ProgressBar: @unchecked Sendable {
    private let start = Date()
    private let interactive: Bool
    private var lastDraw = Date.distantPast
    private var rowsBeforeFile = 0
    private let lock = NSLock()

    init(interactive: Bool = Terminal.stderrIsTerminal) {
        self.interactive = interactive
    }

    func update(_ progress: IngestProgress) {
        lock.withLock {
            let now = Date()
            let elapsed = max(now.timeIntervalSince(start), 0.001)
            let rows = rowsBeforeFile + progress.rows
            let rate = Double(rows) / elapsed
            if progress.finishedFile { rowsBeforeFile += progress.rows }
            if interactive {
                guard progress.finishedFile || now.timeIntervalSince(lastDraw) > 0.1 else { return }
                lastDraw = now
                let fraction = progress.bytesTotal > 0 ? min(1, Double(progress.bytesDone) / Double(progress.bytesTotal)) : 1
                let width = 24
                let filled = Int(fraction * Double(width))
                let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
                let name = (progress.file as NSString).lastPathComponent
                let line = String(format: "\r[%@%@] %3.0f%%  %@ rows  %@ rows/s  ETA %@  %@ (%d/%d)\u{1B}[K",
                                  String(repeating: "#", count: filled), String(repeating: "-", count: width - filled),
                                  fraction * 100, Self.compact(Double(rows)), Self.compact(rate), Self.duration(eta), name,
                                  progress.fileIndex + 1, progress.fileCount)
                FileHandle.standardError.write(Data(line.utf8))
            } else if progress.finishedFile {
                Terminal.note("read \(progress.file): \(progress.rows) rows (\(progress.fileIndex + 1)/\(progress.fileCount), \(Self.compact(rate)) rows/s)")
            }
        }
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    static func compact(_ value: Double) -> String {
        switch value {
        case ..<1_000: String(format: "%.0f", value)
        case ..<1_000_000: String(format: "%.1fk", value / 1_000)
        default: String(format: "%.2fM", value / 1_000_000)
        }
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return String(format: "%d:%02d", total / 60, total % 60)
    }
}
