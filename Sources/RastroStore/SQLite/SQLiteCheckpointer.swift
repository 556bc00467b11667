import CSQLite
import Foundation

/// Checkpoints an SQLite database's WAL from a thread and a connection of its own, for a
/// connection that commits often and must answer quickly (the server's audit writer).
///
/// By default SQLite checkpoints inside the COMMIT that takes the WAL past 1,000 pages: that
/// COMMIT copies the pages into the database file and syncs it, which on a busy disk takes tens
/// to hundreds of milliseconds, and every request waiting for that commit (a group commit of
/// audit entries) waits as long. The writer's automatic checkpoint is replaced by a WAL hook that
/// wakes this thread instead, which runs a PASSIVE checkpoint: it never blocks the writer or the
/// readers, and it copies only frames that no reader still needs, so the WAL is reused as before.
/// Durability is unchanged: a transaction is durable once its COMMIT has written it to the WAL,
/// whoever checkpoints it later.
final class SQLiteCheckpointer: @unchecked Sendable {
    /// WAL pages after which a checkpoint starts: SQLite's own automatic threshold.
    static let threshold: Int32 = 1000

    private let path: String
    private let condition = NSCondition()
    private var pending = false
    private var stopping = false
    private var stopped = false
    private var thread: Thread?

    init(path: String) {
        self.path = path
    }

    /// Starts the thread with its own connection.
    func start() throws {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db else {
            let detail = db.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_close(db)
            throw StoreError(.connection, "cannot open SQLite database \(path) to checkpoint it", detail: detail)
        }
        // The same sync as the writer's connection: the checkpoint syncs the WAL, then the database.
        sqlite3_exec(db, "PRAGMA synchronous=NORMAL", nil, nil, nil)
        // The audit log's file too: its WAL grows with every entry.
        do {
            try SQLiteDatabase.attachAudit(db, path: SQLiteDatabase.auditPath(for: path))
        } catch {
            sqlite3_close(db)
            throw error
        }
        let handle = UncheckedHandle(db: db)
        let thread = Thread { [self] in run(handle.db) }
        thread.name = "rastro-sqlite-checkpoint"
        self.thread = thread
        thread.start()
    }

    /// The WAL hook's call after a commit (to either file): wakes the thread once that file's WAL
    /// holds `threshold` pages. The checkpoint covers both files.
    func committed(walPages: Int32) {
        guard walPages >= Self.threshold else { return }
        condition.withLock {
            pending = true
            condition.signal()
        }
    }

    /// Stops the thread (after the checkpoint it may be running) and closes its connection.
    func stop() {
        condition.withLock {
            guard thread != nil else { return }
            stopping = true
            condition.signal()
            while !stopped { condition.wait() }
            thread = nil
        }
    }

    private func run(_ db: OpaquePointer) {
        while true {
            let stop = condition.withLock {
                while !pending && !stopping { condition.wait() }
                pending = false
                return stopping
            }
            if stop { break }
            var logFrames: Int32 = 0
            var checkpointed: Int32 = 0
            _ = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &checkpointed)
        }
        sqlite3_close_v2(db)
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }

    /// The thread's connection, handed to it once and used by it alone.
    private struct UncheckedHandle: @unchecked Sendable {
        let db: OpaquePointer
    }
}
