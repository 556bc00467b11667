import ArgumentParser
import RastroStore

/// `--database URL`, else `RASTRO_DATABASE`, else `sqlite:rastro.db`.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store: sqlite:PATH (embedded, the default sqlite:rastro.db) or postgres://USER@HOST:PORT/DB[?schema=NAME]. Also RASTRO_DATABASE.",
        valueName: "url"))
    var database: String?

    func url() throws -> DatabaseURL {
        if let database { return try DatabaseURL(parsing: database) }
        if let value = Environment.value("RASTRO_DATABASE"), !value.isEmpty { return try DatabaseURL(parsing: value) }
        return .default
    }

    /// Opens the store for a command: a write that finds another process writing (a load, an
    /// analysis) says so and waits for it rather than failing after the busy timeout.
    func open() async throws -> Store {
        try await Store.open(try url(), configuration: Self.commandConfiguration)
    }

    static var commandConfiguration: StoreConfiguration {
        var configuration = StoreConfiguration()
        configuration.onWaitForWriter = {
            Terminal.note("waiting for another writer to finish with the store (a load or an analysis in another process); "
                          + "this command goes on as soon as it has. Ctrl-C gives up and writes nothing.")
        }
        return configuration
    }
}

extension DatabaseOptions {
    /// Opens the store, runs `body`, and closes the store whether `body` succeeds or throws.
    func withStore<T>(_ body: (Store) async throws -> T) async throws -> T {
        let store = try await open()
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
