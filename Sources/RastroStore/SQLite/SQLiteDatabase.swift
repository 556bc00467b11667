import CSQLite
import Foundation

/// A connection to an SQLite file through the system library's C API: prepared statements with raw
/// binds, WAL journal. All calls are serialized by our own lock (SQLite's own mutex is off); the connection is not shared across
/// processes except through SQLite's own file locking.
final class SQLiteDatabase: SQLConnection, @unchecked Sendable {
    let dialect = SQLDialect.sqlite
    let path: String
    private var handle: OpaquePointer?
    private let lock = NSRecursiveLock()
    private let trace: (@Sendable (String) -> Void)?
    private let busyTimeoutMilliseconds: Int32
    private let onWaitForWriter: (@Sendable () -> Void)?
    /// Set by `checkpointInBackground`: runs the WAL's checkpoints instead of this connection's commits.
    private var checkpointer: SQLiteCheckpointer?

    /// Process-wide settings, made before the first connection initializes SQLite: no memory
    /// statistics (nothing here reads them; keeping them takes a global mutex per allocation, about
    /// 3 % of a busy TAXII server's CPU with its lock and unlock, docs/benchmarks.md, federation).
    private static let configured: Bool = rastro_sqlite_disable_memory_statistics() == SQLITE_OK

    init(path: String, busyTimeoutMilliseconds: Int32, trace: (@Sendable (String) -> Void)?,
         onWaitForWriter: (@Sendable () -> Void)? = nil, pageCacheKiB: Int = 65_536) throws {
        _ = Self.configured
        self.path = path
        self.trace = trace
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.onWaitForWriter = onWaitForWriter
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let detail = db.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_close(db)
            throw StoreError(.connection, "cannot open SQLite database \(path)", detail: detail)
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
        // WAL with synchronous=NORMAL survives a killed process (not a power cut between checkpoints).
        // temp_store stays FILE: with MEMORY, the statement and savepoint sub-journal lives in
        // SQLite's in-memory journal, whose reads walk its chunk list from the start. A load of a
        // second large file in the same transaction then slowed to ~6k rows/s (a 211k-row file
        // followed by 1M track points: over 160 s instead of 10 s; docs/benchmarks.md).
        //
        // A new file gets 8 KiB pages (an existing one keeps its own: the size is fixed when the
        // file is first written, here by the switch to WAL). In SQLite's index b-trees, which is what
        // every WITHOUT ROWID table is, a row longer than about a quarter of a page goes on to
        // overflow pages: with 4 KiB pages, any row over ~1,000 bytes, such as most STIX objects of
        // a TAXII collection, cost a second page read and a copy (docs/benchmarks.md, federation).
        try run("PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-\(max(1, pageCacheKiB))")
        try attachAuditFile()
    }

    /// The file beside the database that holds its audit log: `PATH-audit` (an in-memory database's
    /// log is in memory too).
    static func auditPath(for path: String) -> String {
        path.isEmpty || path == ":memory:" ? ":memory:" : path + "-audit"
    }

    /// Attaches the audit log's own file as schema `audit` (creating it for a new store). The log
    /// is kept out of the database file so that appending to it leaves the database's WAL alone:
    /// SQLite empties every other connection's page cache of a file when that file's WAL changes,
    /// and a server appends a read entry every few requests (docs/benchmarks.md, federation).
    /// Unqualified names still find its tables (`audit_log`, `audit_checkpoints`): SQLite looks in
    /// `main` first, then in attached schemas. Once migration 0014 has moved the log there, a
    /// missing file is an error, not a new empty log.
    private func attachAuditFile() throws {
        let auditPath = Self.auditPath(for: path)
        if auditPath != ":memory:", !FileManager.default.fileExists(atPath: auditPath),
           try !fetch("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_outbox'").isEmpty {
            throw StoreError(.connection, "the audit log of \(path) is missing: \(auditPath) belongs beside the database "
                             + "(restore both files from the same copy)")
        }
        try Self.attachAudit(try db, path: auditPath)
    }

    /// Attaches `path` as schema `audit` on `db` in WAL mode with the database's sync setting.
    static func attachAudit(_ db: OpaquePointer, path: String) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "ATTACH DATABASE ? AS audit", -1, &statement, nil) == SQLITE_OK, let statement else {
            throw StoreError(.connection, "cannot attach the audit log \(path)", detail: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        sqlite3_bind_text(statement, 1, path, -1, rastro_sqlite_transient())
        guard sqlite3_step(statement) == SQLITE_DONE,
              sqlite3_exec(db, "PRAGMA audit.journal_mode=WAL; PRAGMA audit.synchronous=NORMAL", nil, nil, nil) == SQLITE_OK else {
            throw StoreError(.connection, "cannot attach the audit log \(path)", detail: String(cString: sqlite3_errmsg(db)))
        }
    }

    deinit {
        if let handle { sqlite3_close_v2(handle) }
        checkpointer?.stop()
    }

    func close() async {
        lock.withLock {
            statements.removeAll()
            if let handle { sqlite3_close_v2(handle) }
            handle = nil
            checkpointer?.stop()
            checkpointer = nil
        }
    }

    /// Leaves the WAL's checkpoints to a thread of their own (`SQLiteCheckpointer`): this
    /// connection's commits no longer run one.
    func checkpointInBackground() throws {
        try lock.withLock {
            guard checkpointer == nil else { return }
            let checkpointer = SQLiteCheckpointer(path: path)
            try checkpointer.start()
            // The hook replaces SQLite's automatic checkpoint; the connection keeps the checkpointer
            // alive for as long as the hook may be called.
            sqlite3_wal_hook(try db, { context, _, _, pages in
                if let context { Unmanaged<SQLiteCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(walPages: pages) }
                return SQLITE_OK
            }, Unmanaged.passUnretained(checkpointer).toOpaque())
            self.checkpointer = checkpointer
        }
    }

    /// Begins a write transaction holding the write lock of `file` (see `SQLiteWriteFile`).
    ///
    /// Another process's writer holding that lock past the busy timeout makes this fail (`.busy`),
    /// unless the connection has `onWaitForWriter`: then a first try waits a quarter of a second,
    /// `onWaitForWriter` is called, and the lock is tried again, one busy timeout after another,
    /// until it is free. Each try begins a new transaction, so none goes on from a snapshot older
    /// than the other writer's commit.
    func lockForWrite(_ file: SQLiteWriteFile) throws {
        var told = false
        while let busy = try beginLocked(file, waitingAtMost: onWaitForWriter != nil && !told ? 250 : nil) {
            guard let onWaitForWriter else { throw busy }
            if !told {
                told = true
                onWaitForWriter()
            }
        }
    }

    /// One try of `lockForWrite`: `BEGIN` and the lock statement of `file`, its busy handler
    /// waiting at most `milliseconds` (nil: the connection's busy timeout). Returns nil with the
    /// lock held, or the `.busy` error with the transaction rolled back; other errors are thrown.
    private func beginLocked(_ file: SQLiteWriteFile, waitingAtMost milliseconds: Int32?) throws -> StoreError? {
        try run("BEGIN")
        do {
            if let milliseconds {
                try withBusyTimeout(milliseconds) { try run(file.lockStatement) }
            } else {
                try run(file.lockStatement)
            }
            return nil
        } catch let error as StoreError where error.code == .busy {
            try? run("ROLLBACK")
            return error
        } catch {
            try? run("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` with the busy handler waiting at most `milliseconds` for another connection's
    /// lock instead of the connection's timeout.
    private func withBusyTimeout<T>(_ milliseconds: Int32, _ body: () throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        sqlite3_busy_timeout(try db, milliseconds)
        defer { if let handle { sqlite3_busy_timeout(handle, busyTimeoutMilliseconds) } }
        return try body()
    }

    var db: OpaquePointer {
        get throws {
            guard let handle else { throw StoreError(.connection, "the SQLite connection is closed") }
            return handle
        }
    }

    func error(_ message: String, status: Int32) -> StoreError {
        let detail = handle.map { String(cString: sqlite3_errmsg($0)) }
        let primary = status & 0xFF
        if primary == SQLITE_CONSTRAINT { return StoreError(.conflict, message, detail: detail) }
        if primary == SQLITE_INTERRUPT { return StoreError(.interrupted, message, detail: detail) }
        if primary == SQLITE_BUSY {
            return StoreError(.busy, "the store is busy: another writer held its lock for longer than this one waits "
                              + "(a load or an analysis running?); try again when it has finished", detail: detail)
        }
        return StoreError(.sql, message, detail: detail)
    }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        // Several statements in one string wait where they run: run again, the ones before the
        // refused one would run twice.
        if binds.isEmpty, sql.utf8.contains(UInt8(ascii: ";")) { return try run(sql, binds) }
        try await waitingOffThePool { try self.run(sql, binds) }
    }

    /// Runs `body` (one statement's work, from an `async` entry point) without waiting for another
    /// connection's lock: if the lock is held, `body` runs again on a thread of its own
    /// (`onOwnThread`), waiting through the connection's busy timeout there.
    ///
    /// SQLite waits for a lock by sleeping in its busy handler, and an `async` call runs on one of
    /// Swift's cooperative threads, as many as the machine has cores (two here). Two requests of
    /// `rastro serve` waiting for the write lock, which a load in another process may hold for
    /// minutes, would leave no thread to answer anything else, `/healthz` included. A statement that
    /// got `SQLITE_BUSY` did nothing, so it can run again (inside a transaction too: SQLite leaves
    /// the transaction open, and its busy handler retries the same way). Several statements in
    /// one string are not run this way (`execute`): they wait where they run.
    func waitingOffThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try withBusyTimeout(0, body)
        } catch let error as StoreError where error.code == .busy {
            return try await Self.onOwnThread(body)
        }
    }

    /// Runs `body` on a new thread and waits for it without holding a cooperative thread. For
    /// waits on another connection's lock, which are rare and long next to a thread's start.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await onThreadOfItsOwn(named: "rastro-sqlite-wait", body)
    }

    /// `lockForWrite` from an `async` caller: the lock at once if it is free, else the wait on a
    /// thread of its own (see `waitingOffThePool`).
    func lockForWriteOffThePool(_ file: SQLiteWriteFile) async throws {
        guard try beginLocked(file, waitingAtMost: 0) != nil else { return }
        try await Self.onOwnThread { try self.lockForWrite(file) }
    }

    /// Runs statements synchronously (several, separated by `;`, when there are no binds). One
    /// statement goes through the statement cache even without binds: `BEGIN` and
    /// `COMMIT` around every audit entry would otherwise be parsed again each time.
    func run(_ sql: String, _ binds: [SQLValue] = []) throws {
        lock.lock(); defer { lock.unlock() }
        trace?(sql)
        if binds.isEmpty, sql.utf8.contains(UInt8(ascii: ";")) {
            var message: UnsafeMutablePointer<CChar>?
            let status = sqlite3_exec(try db, sql, nil, nil, &message)
            if status != SQLITE_OK {
                let detail = message.map { String(cString: $0) }
                sqlite3_free(message)
                throw StoreError(status & 0xFF == SQLITE_CONSTRAINT ? .conflict : .sql, "SQLite statement failed", detail: detail)
            }
            return
        }
        try withCachedStatement(sql) { statement in
            try statement.bind(binds)
            while try statement.step() {}
        }
    }

    /// Statements prepared by `run`, `fetch` and `forEachRow`, by SQL text: preparing costs about as
    /// much as a small lookup itself. At most `cacheLimit`; a statement in use (a scan whose body
    /// runs the same SQL again) is not shared. The text is hashed once per call: the statement
    /// itself says whether it is in use (an audited read runs six statements, some of them long).
    private var statements: [String: SQLiteStatement] = [:]
    private static let cacheLimit = 128

    /// Runs `body` with a prepared statement for `sql`, reset afterwards. Call with the lock held.
    private func withCachedStatement<T>(_ sql: String, _ body: (SQLiteStatement) throws -> T) throws -> T {
        let statement: SQLiteStatement
        if let cached = statements[sql] {
            guard !cached.inUse else { return try body(try prepare(sql, traced: false)) }
            statement = cached
        } else {
            statement = try prepare(sql, traced: false)
            if statements.count >= Self.cacheLimit { statements.removeAll() }
            statements[sql] = statement
        }
        statement.inUse = true
        defer {
            statement.reset()
            statement.inUse = false
        }
        return try body(statement)
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await waitingOffThePool { try self.fetch(sql, binds) }
    }

    /// Runs a query synchronously and returns its rows.
    func fetch(_ sql: String, _ binds: [SQLValue] = []) throws -> [SQLRow] {
        lock.lock(); defer { lock.unlock() }
        trace?(sql)
        return try withCachedStatement(sql) { statement in
            try statement.bind(binds)
            // The names after the first step: a step after a schema change prepares the statement
            // again, and a `SELECT *` may then have other columns.
            var columns: [String] = []
            var rows: [SQLRow] = []
            while try statement.step() {
                if rows.isEmpty { columns = statement.columnNames }
                rows.append(SQLRow(columns: columns, values: (0..<Int32(columns.count)).map(statement.column)))
            }
            return rows
        }
    }

    /// Runs a query and hands each row to `body` as it is stepped, without collecting the rows (for
    /// scans of millions of rows). The connection stays locked until the scan ends.
    func forEachRow(_ sql: String, _ binds: [SQLValue], _ body: (SQLiteStatement) throws -> Void) throws {
        lock.lock(); defer { lock.unlock() }
        trace?(sql)
        try withCachedStatement(sql) { statement in
            try statement.bind(binds)
            while try statement.step() { try body(statement) }
        }
    }

    /// Prepares a statement for repeated use (the bulk load path).
    func prepare(_ sql: String, traced: Bool = true) throws -> SQLiteStatement {
        if traced { trace?(sql) }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(try db, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error("cannot prepare an SQLite statement", status: status) }
        return SQLiteStatement(statement, database: self)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }
}

/// Runs `body`, which blocks, on a new thread named `name`, and waits for it without holding one
/// of Swift's cooperative threads (as many as the machine has cores). The tests' helpers use it
/// too (`offThePool` in RastroTesting).
@_spi(Testing) public func onThreadOfItsOwn<T: Sendable>(named name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = name
        thread.start()
    }
}
