public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One temporary folder per test process for every file the tests write (input fixtures, SQLite
/// stores, simulated worlds). Tests used to leave a folder in the system's temporary directory for
/// each fixture and store they made, a thousand or more per run of the suite, never removed.
///
/// The test runner does not reliably run exit handlers, so cleaning up is done at the start
/// instead: the first use of `root` in a process removes the folders of earlier test processes that
/// are no longer running. What a run leaves is therefore only the last run's files, there to be
/// looked at when a test failed.
public enum TestScratch {
    static let prefix = "rastro-tests-"

    /// `rastro-tests-PID-XXXXXXXX` in the system's temporary directory.
    public static let root: URL = {
        let temporary = FileManager.default.temporaryDirectory
        removeStale(in: temporary)
        let url = temporary.appendingPathComponent("\(prefix)\(getpid())-\(UUID().uuidString.prefix(8).lowercased())", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// A new, unique path under `root` (not created), e.g. `fixture-UUID`.
    public static func path(_ kind: String) -> URL {
        root.appendingPathComponent("\(kind)-\(UUID().uuidString)", isDirectory: true)
    }

    /// Removes `rastro-tests-PID-…` folders whose process is gone.
    public static func removeStale(in temporary: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0, pid != getpid() else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
        }
    }
}
