import CSQLite

/// A prepared SQLite statement with raw binds: the fast path of a load reuses one per kind.
final class SQLiteStatement {
    private let statement: OpaquePointer
    private unowned let database: SQLiteDatabase

    init(_ statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit { sqlite3_finalize(statement) }

    /// Set by the connection's statement cache while the statement runs.
    var inUse = false

    /// The result's column names, kept until SQLite prepares the statement again (after a schema
    /// change, when `SELECT *` may name other columns): a small query's rows need them every time.
    var columnNames: [String] {
        let prepared = sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 0)
        if let names = cachedNames, prepared == namesPrepared { return names }
        let names = (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
        cachedNames = names
        namesPrepared = prepared
        return names
    }
    private var cachedNames: [String]?
    private var namesPrepared: Int32 = 0

    func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (index, value) in values.enumerated() {
            try bind(value, at: Int32(index + 1))
        }
    }

    func bind(_ value: SQLValue, at index: Int32) throws {
        let status: Int32
        switch value {
        case .null: status = sqlite3_bind_null(statement, index)
        case .integer(let integer): status = sqlite3_bind_int64(statement, index, integer)
        case .double(let double): status = sqlite3_bind_double(statement, index, double)
        case .text(let text): status = bindText(text, at: index)
        }
        guard status == SQLITE_OK else { throw database.error("cannot bind an SQLite parameter", status: status) }
    }

    @inline(__always) func bindText(_ text: String, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, rastro_sqlite_transient()) }
            return sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                     Int32(bytes.count), rastro_sqlite_transient())
        }
    }

    /// Binds bytes that stay valid, unchanged, until the statement has been stepped and reset
    /// (SQLITE_STATIC: SQLite neither copies nor frees them).
    @inline(__always) func bindStaticText(_ text: UnsafePointer<CChar>, count: Int, at index: Int32) {
        sqlite3_bind_text(statement, index, text, Int32(count), nil)
    }

    @inline(__always) func bindNull(at index: Int32) { sqlite3_bind_null(statement, index) }
    @inline(__always) func bindInt(_ value: Int64, at index: Int32) { sqlite3_bind_int64(statement, index, value) }
    @inline(__always) func bindDouble(_ value: Double, at index: Int32) { sqlite3_bind_double(statement, index, value) }

    func reset() {
        sqlite3_reset(statement)
    }

    /// Steps once: true when a row is available, false when done.
    @discardableResult
    func step() throws -> Bool {
        let status = sqlite3_step(statement)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error("an SQLite statement failed", status: status)
        }
    }

    func column(_ index: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: .double(sqlite3_column_double(statement, index))
        case SQLITE_NULL: .null
        default: .text(text(index))
        }
    }

    func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }

    /// The column's text (empty for NULL), decoded from its byte count rather than found by its
    /// terminating zero.
    func text(_ index: Int32) -> String {
        withText(index) { String(decoding: $0, as: UTF8.self) }
    }

    // Typed reads of the current row, without building an `SQLValue` (the streaming scans).
    @inline(__always) func isNull(_ index: Int32) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }
    @inline(__always) func double(_ index: Int32) -> Double { sqlite3_column_double(statement, index) }

    /// The column's text as UTF-8 bytes, valid only inside `body` (empty for NULL).
    @inline(__always) func withText<T>(_ index: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        guard let pointer = sqlite3_column_text(statement, index) else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, index))))
    }
}
