public import RastroModel

/// One source file of a load, as the store records it.
public struct SourceFile: Sendable, Hashable {
    public var path: String
    public var kind: Kind
    /// `csv` or `ndjson`.
    public var format: String

    public init(path: String, kind: Kind, format: String) {
        self.path = path
        self.kind = kind
        self.format = format
    }
}

/// What the producer of a file's records decided once it reached the end of the file.
public struct FileDecision: Sendable, Hashable {
    /// Keep what was written (all rows valid, or `--skip-invalid`), or discard the whole file.
    public var keep: Bool
    public var rowsRead: Int
    public var rejected: Int

    public init(keep: Bool, rowsRead: Int, rejected: Int) {
        self.keep = keep
        self.rowsRead = rowsRead
        self.rejected = rejected
    }
}

/// What happened to one file's rows.
public struct FileCounts: Sendable, Hashable, Codable {
    public var rowsRead = 0
    /// Records seen for the first time (version 1).
    public var inserted = 0
    /// Known records whose content changed (a new version; the old one is kept).
    public var versioned = 0
    /// Rows identical to the current version.
    public var unchanged = 0
    /// Rows that failed validation.
    public var rejected = 0
    /// True when the whole file was rejected and nothing of it written.
    public var discarded = false

    public init() {}

    public static func + (lhs: FileCounts, rhs: FileCounts) -> FileCounts {
        var sum = FileCounts()
        sum.rowsRead = lhs.rowsRead + rhs.rowsRead
        sum.inserted = lhs.inserted + rhs.inserted
        sum.versioned = lhs.versioned + rhs.versioned
        sum.unchanged = lhs.unchanged + rhs.unchanged
        sum.rejected = lhs.rejected + rhs.rejected
        sum.discarded = lhs.discarded || rhs.discarded
        return sum
    }
}

/// Receives a file's valid records, in file order.
public protocol RecordSink: AnyObject {
    func write(_ record: Record) async throws
}

/// An atomic load: one transaction, with one savepoint per file so that a rejected file leaves
/// nothing behind. Either `commit` or `rollback` must end it.
public protocol LoadTransaction: AnyObject {
    var loadID: String { get }
    /// Streams one file's records through `produce`. The store may call `produce` again after an
    /// attempt it undid (it must then read the file from the start); the last call's decision counts.
    func loadFile(_ file: SourceFile, produce: (any RecordSink) async throws -> FileDecision) async throws -> FileCounts
    /// The indexes this load dropped to build again, by one sort each, when it commits (a load
    /// that at least doubles a table: see `IndexDeferral`).
    var indexesToBuild: Int { get }
    /// Makes the load visible, with a JSON summary kept in `loads`.
    func commit(summary: String) async throws
    func rollback() async
}
