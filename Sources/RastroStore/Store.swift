import Foundation
public import RastroModel

/// The versioned, marked record store, over SQLite (embedded default) or PostgreSQL (server).
/// Every read takes a `Viewer`; see `AccessPolicy`.
public final class Store: Sendable {
    let connection: any SQLConnection
    public let url: DatabaseURL
    public let configuration: StoreConfiguration
    let memberCache = MemberCache()
    let taxiiScanPlans = TAXIIScanPlans()
    /// Where this store logs reads before they join the chain (an SQLite store with a file).
    let journal: AuditJournal?

    public var dialect: SQLDialect { connection.dialect }

    private init(connection: any SQLConnection, url: DatabaseURL, configuration: StoreConfiguration) {
        self.connection = connection
        self.url = url
        self.configuration = configuration
        if case .sqlite(let path) = url, !path.isEmpty, path != ":memory:" {
            journal = AuditJournal(databasePath: path)
        } else {
            journal = nil
        }
    }

    /// Opens (and for SQLite creates) the database. It is not usable for data until `initialize`
    /// has run once (`rastro init`).
    public static func open(_ url: DatabaseURL, configuration: StoreConfiguration = StoreConfiguration()) async throws -> Store {
        switch url {
        case .sqlite(let path):
            let database = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds,
                                              trace: configuration.trace, onWaitForWriter: configuration.onWaitForWriter,
                                              pageCacheKiB: configuration.pageCacheKiB)
            if configuration.backgroundCheckpoints { try database.checkpointInBackground() }
            if configuration.memoryMapBytes > 0 { try database.run("PRAGMA mmap_size=\(configuration.memoryMapBytes)") }
            return Store(connection: database, url: url, configuration: configuration)
        case .postgres(let postgres):
            let database = try await PostgresDatabase.connect(postgres, trace: configuration.trace)
            return Store(connection: database, url: url, configuration: configuration)
        }
    }

    /// Closes the connection, after folding this store's read journal into the chain (if that
    /// fails, the journal stays, and the next reader of the log folds it).
    public func close() async {
        if let journal {
            try? await foldOwnJournal(journal, closing: true)
            journal.closeOwn(remove: false)
        }
        await connection.close()
    }

    /// Creates or upgrades the schema and records the node's settings. Running it again keeps the
    /// data and only updates the settings given.
    public func initialize(_ settings: NodeSettings) async throws {
        try await Migrator.migrate(connection)
        let event = AuditEvent(settings.viewer, "init", objects: ["org/" + settings.organization],
                               detail: "\(settings.country) default \(settings.defaultTLP.rawValue)")
        try await withAuditedTransaction([event]) {
            for (key, value) in [("organization", settings.organization), ("country", settings.country),
                                 ("default_tlp", settings.defaultTLP.rawValue)] {
                try await connection.execute("DELETE FROM node_settings WHERE key = ?", [.text(key)])
                try await connection.execute("INSERT INTO node_settings (key, value) VALUES (?, ?)", [.text(key), .text(value)])
            }
            // The node's own organization is its first member.
            try await connection.execute("""
                INSERT INTO members (org_id, country, name, created_at) SELECT ?, ?, ?, ?
                WHERE NOT EXISTS (SELECT 1 FROM members WHERE org_id = ?)
                """, [.text(settings.organization), .text(settings.country), .text(settings.organization), .text(Self.now()),
                      .text(settings.organization)])
        }
        memberCache.clear()
    }

    /// Applies pending migrations to an initialized store (a newer rastro on an older database).
    public func migrate() async throws {
        try await Migrator.migrate(connection)
    }

    /// The node's settings; throws `notInitialized` before `rastro init`.
    public func settings() async throws -> NodeSettings {
        let rows: [SQLRow]
        do {
            rows = try await connection.query("SELECT key, value FROM node_settings", [])
        } catch {
            throw StoreError(.notInitialized, "the database at \(url) is not initialized: run `rastro init` first")
        }
        var values: [String: String] = [:]
        for row in rows { values[row["key"].text ?? ""] = row["value"].text }
        guard let organization = values["organization"], let country = values["country"] else {
            throw StoreError(.notInitialized, "the database at \(url) is not initialized: run `rastro init` first")
        }
        let pending = try Migrator.migrations().map(\.version).max() ?? 0
        let applied = try await connection.query("SELECT MAX(version) AS v FROM schema_migrations", []).first?["v"].integer ?? 0
        if applied < pending { try await migrate() }
        return NodeSettings(organization: organization, country: country,
                            defaultTLP: values["default_tlp"].flatMap { TLP(rawValue: $0) } ?? .amber)
    }

    /// Starts an atomic load: everything written through it appears at `commit` or never. Another
    /// load at work (on SQLite, any writer of the database) is waited for as the configuration's
    /// `onWaitForWriter` says.
    public func beginLoad(actor: String) async throws -> any LoadTransaction {
        let loadID = UUID().uuidString.lowercased()
        let startedAt = Self.now()
        switch connection {
        case let database as SQLiteDatabase:
            return try await SQLiteLoad.begin(database: database, loadID: loadID, actor: actor, startedAt: startedAt)
        case let database as PostgresDatabase:
            return try await PostgresLoad.begin(database: database, loadID: loadID, actor: actor, startedAt: startedAt,
                                                configuration: configuration)
        default:
            throw StoreError(.connection, "unknown backend")
        }
    }

    static func now() -> String {
        Timestamp.format(epoch: Int64(Date().timeIntervalSince1970))
    }
}
