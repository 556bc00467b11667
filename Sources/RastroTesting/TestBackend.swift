public import Foundation
public import RastroStore

/// The store backends a test runs on. PostgreSQL is always included (CI starts a server; see
/// `scripts/test`), unless `RASTRO_TEST_POSTGRES=off` is set for a quick local run.
public enum TestBackend: String, CaseIterable, Sendable {
    case sqlite
    case postgres

    public static var all: [TestBackend] {
        ProcessInfo.processInfo.environment["RASTRO_TEST_POSTGRES"] == "off" ? [.sqlite] : [.sqlite, .postgres]
    }

    /// `RASTRO_TEST_POSTGRES_URL`, default `postgres://rastro@127.0.0.1:54329/rastro` (what
    /// `scripts/pg.sh` starts).
    public static var postgresURL: String {
        ProcessInfo.processInfo.environment["RASTRO_TEST_POSTGRES_URL"] ?? "postgres://rastro@127.0.0.1:54329/rastro"
    }

    /// A new, empty database URL: a temporary SQLite file, or a fresh PostgreSQL schema.
    public func freshURL() -> String {
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        switch self {
        case .sqlite:
            let folder = TestScratch.root.appendingPathComponent("store-\(token)")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return "sqlite:" + folder.appendingPathComponent("rastro.db").path
        case .postgres:
            return Self.postgresURL + "?schema=t_\(token)"
        }
    }

    public var testDescription: String { rawValue }
}


/// A fresh, initialized store for one test.
public struct TestStore: Sendable {
    public let store: Store
    public let url: String
    public let settings: NodeSettings
    public let statements: StatementLog

    public static func make(_ backend: TestBackend, organization: String = "MX-TEST", country: String = "MX") async throws -> TestStore {
        let url = backend.freshURL()
        let log = StatementLog()
        var configuration = StoreConfiguration()
        configuration.trace = { log.append($0) }
        let store = try await Store.open(try DatabaseURL(parsing: url), configuration: configuration)
        let settings = NodeSettings(organization: organization, country: country)
        try await store.initialize(settings)
        return TestStore(store: store, url: url, settings: settings, statements: log)
    }

    /// Closes the store and removes its data (the SQLite folder or the PostgreSQL schema).
    public func dispose() async {
        if case .postgres(let postgres) = store.url {
            try? await store.dropSchemaForTests(postgres.schema)
        }
        await store.close()
        if case .sqlite(let path) = store.url {
            try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
        }
    }
}

/// Every SQL statement a store ran, for assertions on the viewer predicate.
public final class StatementLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []

    public init() {}

    public func append(_ sql: String) { lock.withLock { entries.append(sql) } }

    public var all: [String] { lock.withLock { entries } }

    public func clear() { lock.withLock { entries.removeAll() } }
}
