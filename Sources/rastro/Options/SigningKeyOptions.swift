import ArgumentParser
import RastroShare
import RastroStore

/// `--signing-key FILE`, else `RASTRO_SIGNING_KEY`, else `DATABASE.key` beside an SQLite file (a
/// PostgreSQL node must name one). The node's Ed25519 key for its audit checkpoints.
struct SigningKeyOptions: ParsableArguments {
    @Option(name: .customLong("signing-key"), help: ArgumentHelp(
        "The file of the node's key for signing audit checkpoints, made when first needed (default: the SQLite database's path + .key; required for PostgreSQL). Also RASTRO_SIGNING_KEY.",
        valueName: "file"))
    var signingKey: String?

    func path(for url: DatabaseURL) -> String? {
        if let signingKey { return signingKey }
        if let value = Environment.value("RASTRO_SIGNING_KEY"), !value.isEmpty { return value }
        return AuditSigningKey.defaultPath(for: url)
    }

    /// The key, created when it does not exist yet.
    func loadOrCreate(for url: DatabaseURL) throws -> AuditSigningKey {
        guard let path = path(for: url) else {
            throw Failure(code: Failure.usage, message: "a PostgreSQL node keeps its signing key in a file: give --signing-key FILE or RASTRO_SIGNING_KEY")
        }
        return try AuditSigningKey.loadOrCreate(path: path)
    }

    /// The key when its file exists (verification never creates one).
    func loadIfPresent(for url: DatabaseURL) throws -> AuditSigningKey? {
        guard let path = path(for: url) else { return nil }
        return try AuditSigningKey.load(path: path)
    }
}

/// The checkpoint `rastro ingest` and `rastro analyze` make when they finish: a failure is noted,
/// not fatal (their writes are committed already); `rastro audit verify` says what is wrong.
enum AutomaticCheckpoint {
    static func make(_ store: Store, _ options: SigningKeyOptions) async {
        do {
            try await store.checkpointAudit(with: try options.loadOrCreate(for: store.url))
        } catch let failure as Failure {
            Terminal.note("audit: no checkpoint made: \(failure.message)")
        } catch {
            Terminal.note("audit: no checkpoint made: \(error)")
        }
    }
}
