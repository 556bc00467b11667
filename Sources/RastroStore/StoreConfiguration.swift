/// Settings of the store, each with its default.
public struct StoreConfiguration: Sendable {
    /// How long an SQLite connection waits for another writer before failing: 30 s.
    public var busyTimeoutMilliseconds: Int32 = 30_000
    /// When set, a write transaction that finds another process's writer at work (a load, an
    /// analysis) calls this once and then queues behind it for as long as it takes, the busy
    /// timeout no longer applying; on PostgreSQL, a load that finds another load does the same.
    /// The CLI's commands set it (a second `rastro ingest` waits for the first and says so); the
    /// server does not: a request fails as busy rather than hang. Default: none.
    public var onWaitForWriter: (@Sendable () -> Void)?
    /// SQLite: checkpoint the WAL from a thread of its own instead of in the COMMIT that fills it
    /// (for the server's write connection, whose commits requests wait for). Default: off.
    public var backgroundCheckpoints = false
    /// SQLite: read the file through a memory map of up to this many bytes (`PRAGMA mmap_size`)
    /// instead of a `pread` and a copy per page. For the server's read connections, which read a
    /// store of gigabytes page by page. Default: 0 (off; SQLite's own default).
    public var memoryMapBytes: Int64 = 0
    /// SQLite: the connection's page cache (`PRAGMA cache_size`), in KiB. Default: 65536 (64 MiB),
    /// which the loads' index rebuilds use for their sorts.
    public var pageCacheKiB: Int = 65_536
    /// Called with the text of every SQL statement the store runs (tests assert the viewer predicate
    /// with it). Default: none.
    public var trace: (@Sendable (String) -> Void)?
    /// Bytes buffered before a PostgreSQL COPY chunk is sent: 256 KiB.
    public var copyChunkBytes: Int = 256 * 1024
    /// PostgreSQL `work_mem` during a load, for the merge's sort: 256MB.
    public var loadWorkMem: String = "256MB"

    public init(trace: (@Sendable (String) -> Void)? = nil) {
        self.trace = trace
    }
}
