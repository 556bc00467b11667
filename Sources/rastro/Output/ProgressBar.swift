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
            if progress.buildingIndexes > 0 {
                let what = "building \(progress.buildingIndexes) index\(progress.buildingIndexes == 1 ? "" : "es") before the load commits"
                if interactive {
                    FileHandle.standardError.write(Data("\r\(what)…\u{1B}[K".utf8))
                } else {
                    Terminal.note(what)
                }
                return
            }
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

/// Shows `rastro analyze`'s progress on stderr: on a terminal, a bar of its stages with the current
/// one and the time so far, redrawn in place; otherwise one plain line per stage.
final class StageProgress: @unchecked Sendable {
    /// The stages in order, as `Analyzer` and the command name them.
    static let stages = ["resolving parties", "reading the data", "custody", "mass balance", "routes", "risk", "areas", "storing the run"]

    private let start = Date()
    private let interactive: Bool
    private let quiet: Bool
    private var done = 0
    private let lock = NSLock()

    init(quiet: Bool, interactive: Bool = Terminal.stderrIsTerminal) {
        self.quiet = quiet
        self.interactive = interactive
    }

    /// Enters a stage (one of `stages`; anything else is shown as a detail of the current one).
    func enter(_ stage: String) {
        guard !quiet else { return }
        lock.withLock {
            let detail: String
            if let index = Self.stages.firstIndex(of: stage) {
                done = index
                detail = stage
            } else {
                detail = "\(Self.stages[done]): \(stage)"
            }
            if interactive {
                let width = 16, filled = width * done / Self.stages.count
                let line = String(format: "\r[%@%@] %d/%d  %@  %@\u{1B}[K", String(repeating: "#", count: filled),
                                  String(repeating: "-", count: width - filled), done + 1, Self.stages.count, detail,
                                  ProgressBar.duration(Date().timeIntervalSince(start)))
                FileHandle.standardError.write(Data(line.utf8))
            } else {
                Terminal.note("\(detail) …")
            }
        }
    }

    func finish() {
        if interactive && !quiet { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
