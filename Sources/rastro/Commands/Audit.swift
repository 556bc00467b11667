import ArgumentParser
import Foundation
import RastroShare
import RastroStore

/// `rastro audit`: the hash-chained audit log, its signed checkpoints and their verification.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the audit log, sign checkpoints of it, export them for partners, and list it.",
        discussion: """
            Every write (loads, analysis and resolution runs, decisions) and every read of marked \
            data appends an entry to a hash chain: SHA-256 over the entry and the previous hash. \
            Checkpoints signed with the node's Ed25519 key (a file, never the database) fix the \
            chain's state; `rastro ingest` and `rastro analyze` make one when they finish. \
            `verify` finds any edited, deleted, reordered or cut-off entry and names the first; \
            with a checkpoint file exported earlier, a partner can check the node's history \
            without seeing any of it. See docs/sharing.md.

            On an SQLite store a process logs its reads first in a read journal of its own \
            (PATH-audit.journals/), one write per read. They join the chain every 64 KiB, when \
            it closes the store, and whenever the log is read (`audit log`, `verify`, `checkpoint`): \
            a killed process's reads too. `verify` also reports a journal that is missing, damaged \
            or not registered. Back up the database, its audit file and that folder together.

            Examples:
              rastro audit verify
              rastro audit checkpoint
              rastro audit checkpoint export --output mx-sat-checkpoints.json
              rastro audit verify --checkpoint mx-sat-checkpoints.json
              rastro audit log --limit 20 --actor ana
            """,
        subcommands: [AuditVerify.self, AuditCheckpointCommand.self, AuditLog.self])
}

struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the whole audit log and its checkpoints; name the first problem.",
        discussion: """
            Recomputes every entry's hash, checks each link to the previous entry and that the \
            numbers run without gaps, and checks every checkpoint's signature and hash. With \
            --checkpoint it also checks a checkpoint file (from `rastro audit checkpoint \
            export`): an entry cut off or rewritten after that file was made is found even if \
            the node's own checkpoints were removed too. Exit 0 when intact, 1 when not.

            Examples:
              rastro audit verify
              rastro audit verify --checkpoint mx-sat-checkpoints.json --json
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var key: SigningKeyOptions

    @Option(help: ArgumentHelp("Also check the checkpoints in this file (rastro audit checkpoint export).", valueName: "file"))
    var checkpoint: String?

    @Option(name: .customLong("public-key"), help: ArgumentHelp(
        "Trust only this public key (base64), e.g. the one a partner was given (default: the signing key's, else the one the node recorded).",
        valueName: "key"))
    var publicKey: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    struct Report: Encodable {
        struct Problem: Encodable {
            var seq: Int64?
            var kind: String
            var message: String
        }

        var intact: Bool
        var entries: Int64
        var lastSeq: Int64
        var lastHash: String
        var checkpoints: Int
        var problem: Problem?
    }

    func run() async throws {
        let file = try checkpoint.map { try AuditCheckpointFile.read(path: $0) }
        let result = try await store.withStore { store in
            _ = try await store.settings()
            let trusted = try publicKey ?? key.loadIfPresent(for: store.url)?.publicKey
            return try await store.verifyAudit(trustedKey: trusted, checkpointFile: file)
        }
        if json {
            try Terminal.json(Report(intact: result.isIntact, entries: result.entries, lastSeq: result.lastSeq, lastHash: result.lastHash,
                                     checkpoints: result.checkpoints,
                                     problem: result.problem.map { Report.Problem(seq: $0.seq, kind: $0.kind.rawValue, message: $0.description) }))
        }
        if let problem = result.problem {
            throw Failure(code: Failure.rejectedInput, message: "audit log: \(problem)")
        }
        if !json {
            print("audit log intact: \(result.entries) entries, \(result.checkpoints) checkpoints checked"
                  + (result.entries > 0 ? "; last entry \(result.lastSeq), hash \(result.lastHash.prefix(16))…" : ""))
        }
    }
}

struct AuditCheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign a checkpoint of the newest audit entry (or export the checkpoints).",
        discussion: """
            `rastro audit checkpoint` (the same as `rastro audit checkpoint create`) checks the \
            entries since the last checkpoint and signs the newest one's hash with the node's key; \
            the first time, it records the key's public half and refuses any other key after. \
            `export` writes the checkpoints for partners.

            Examples:
              rastro audit checkpoint
              rastro audit checkpoint --signing-key /etc/rastro/audit.key
              rastro audit checkpoint export --output mx-sat-checkpoints.json
            """,
        subcommands: [AuditCheckpointCreate.self, AuditCheckpointExport.self],
        defaultSubcommand: AuditCheckpointCreate.self)
}

struct AuditCheckpointCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Sign a checkpoint of the newest audit entry.",
        discussion: """
            Example:
              rastro audit checkpoint create
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var key: SigningKeyOptions

    func run() async throws {
        let made = try await store.withStore { store in
            try await store.checkpointAudit(with: try key.loadOrCreate(for: store.url))
        }
        if let made {
            print("checkpoint of audit entry \(made.seq) signed, hash \(made.hash.prefix(16))…")
        } else {
            print("nothing to sign: no audit entry is newer than the last checkpoint")
        }
    }
}

struct AuditCheckpointExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the node's signed checkpoints for partners (no audit content, no data).",
        discussion: """
            The file holds the node's organization, its public key and each checkpoint's number, \
            hash, time and signature. A partner keeps it and later checks the node's log against \
            it with `rastro audit verify --checkpoint FILE`.

            Examples:
              rastro audit checkpoint export
              rastro audit checkpoint export --output mx-sat-checkpoints.json
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var key: SigningKeyOptions

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() async throws {
        let file = try await store.withStore { store in
            let settings = try await store.settings()
            guard let recorded = try await store.auditPublicKey() else {
                throw Failure(code: Failure.usage, message: "the node has signed no checkpoint yet: run `rastro audit checkpoint` first")
            }
            if let signing = try key.loadIfPresent(for: store.url), signing.publicKey != recorded {
                throw Failure(code: Failure.rejectedInput, message: "the node's recorded audit key is not its signing key's (\(signing.path)): run `rastro audit verify`")
            }
            let checkpoints = try await store.auditCheckpoints()
            if let bad = checkpoints.first(where: { !$0.isSigned(by: recorded) || $0.nodeOrganization != settings.organization }) {
                throw Failure(code: Failure.rejectedInput, message: "the checkpoint of audit entry \(bad.seq) is not signed by this node as \(settings.organization): run `rastro audit verify`")
            }
            return AuditCheckpointFile(node: settings.organization, publicKey: recorded, checkpoints: checkpoints)
        }
        let data = try file.encoded() + Data("\n".utf8)
        guard let output else {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw Failure(code: Failure.usage, message: "\(output): cannot write the checkpoints (\(error.localizedDescription))")
        }
        print("\(file.checkpoints.count) checkpoints of \(file.node) written to \(output)")
    }
}

struct AuditLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List audit entries, newest first.",
        discussion: """
            Examples:
              rastro audit log
              rastro audit log --limit 100 --actor ana --json
            """)

    @OptionGroup var store: DatabaseOptions

    @Option(help: "How many entries to show.")
    var limit = 20

    @Option(help: ArgumentHelp("Only the entries of this actor.", valueName: "name"))
    var actor: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Entry: Encodable {
        var seq: Int64
        var at: String
        var actor: String
        var organization: String
        var action: String
        var objects: [String]
        var detail: String
        var previousHash: String
        var hash: String
    }

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let entries = try await store.withStore { store in
            _ = try await store.settings()
            return try await store.recentAuditEntries(limit: limit, actor: actor)
        }
        if json {
            try Terminal.json(entries.map {
                Entry(seq: $0.seq, at: $0.at, actor: $0.event.actor, organization: $0.event.organization, action: $0.event.action,
                      objects: $0.event.objects, detail: $0.event.detail, previousHash: $0.previousHash, hash: $0.hash)
            })
            return
        }
        guard !entries.isEmpty else {
            print(actor == nil ? "the audit log is empty" : "no audit entries by \(actor!)")
            return
        }
        Terminal.table(["seq", "at", "actor", "organization", "action", "objects"], entries.map { entry in
            let objects = entry.event.objects
            return ["\(entry.seq)", entry.at, entry.event.actor, entry.event.organization, entry.event.action,
                    objects.prefix(3).joined(separator: ", ") + (objects.count > 3 ? " … (\(objects.count))" : "")]
        })
    }
}
