import Foundation

/// Where the store lives: `sqlite:PATH` (the embedded default, `./rastro.db`) or
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]`.
public enum DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(Postgres)

    public struct Postgres: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var user: String
        public var password: String?
        public var database: String
        /// The schema that holds Rastro's tables (`rastro` unless `?schema=` says otherwise).
        public var schema: String
    }

    /// The default: `sqlite:rastro.db` in the working directory.
    public static let `default` = DatabaseURL.sqlite(path: "rastro.db")

    public init(parsing text: String) throws {
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw StoreError(.badURL, "sqlite: URL without a path") }
            self = .sqlite(path: path)
            return
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
                throw StoreError(.badURL, "cannot read the PostgreSQL URL (expected postgres://USER@HOST:PORT/DATABASE)")
            }
            let database = String(components.path.drop { $0 == "/" })
            let schema = components.queryItems?.first { $0.name == "schema" }?.value ?? "rastro"
            guard schema.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                throw StoreError(.badURL, "the schema name must be lower-case letters, digits and _")
            }
            self = .postgres(Postgres(
                host: host, port: components.port ?? 5432, user: components.user ?? "postgres",
                password: components.password, database: database.isEmpty ? (components.user ?? "postgres") : database,
                schema: schema))
            return
        }
        if !text.contains("://") {
            self = .sqlite(path: text)
            return
        }
        throw StoreError(.badURL, "unknown database URL scheme (use sqlite:PATH or postgres://…)")
    }

    /// The URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): "postgres://\(url.user)@\(url.host):\(url.port)/\(url.database)?schema=\(url.schema)"
        }
    }
}
