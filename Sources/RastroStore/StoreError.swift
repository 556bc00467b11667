/// An error of the store. `description` names what failed and never carries record values;
/// `debugDescription` adds the database's own message.
public struct StoreError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String { case badURL, connection, sql, migration, notInitialized, conflict, interrupted, busy }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The database URL cannot be understood.
        public static let badURL = Code(.badURL)
        /// The database cannot be opened or reached.
        public static let connection = Code(.connection)
        /// A statement failed.
        public static let sql = Code(.sql)
        /// The schema is newer than this binary, or a migration failed.
        public static let migration = Code(.migration)
        /// `rastro init` has not been run on this database.
        public static let notInitialized = Code(.notInitialized)
        /// A uniqueness rule was violated.
        public static let conflict = Code(.conflict)
        /// The operation was cancelled.
        public static let interrupted = Code(.interrupted)
        /// Another writer held the lock this needed for longer than the store waits (SQLite's busy
        /// timeout): a load or an analysis is running, say.
        public static let busy = Code(.busy)
        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    /// The backend's own words; may quote SQL, never shown by default.
    public let detail: String?

    public init(_ code: Code, _ message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    public var description: String { message }
    public var debugDescription: String { detail.map { "\(message) (\($0))" } ?? message }
}
