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

    func open() async throws -> Store {
        try await Store.open(try url())
    }
}
