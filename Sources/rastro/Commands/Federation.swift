import ArgumentParser
import Foundation
import Logging
import RastroModel
import RastroServer
import RastroShare
import RastroStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve this node's TAXII 2.1 collections to partner nodes, with /healthz and /metrics.",
        discussion: """
            Partners sign in with HTTP basic (a user of this node) or a bearer API token \
            (`rastro token create`), and see only the collections bound to their organization \
            (`rastro collection`). Every page served is in the audit log before it is sent. \
            Between nodes, use TLS (--tls-cert, --tls-key): docs/federation.md. Stops cleanly on \
            SIGINT or SIGTERM.

            Examples:
              rastro serve --listen 127.0.0.1:8443 --tls-cert node.pem --tls-key node.key
              rastro serve --listen 127.0.0.1:0      # any free port; the URL is printed
            """)

    @OptionGroup var store: DatabaseOptions
    @Option(help: ArgumentHelp("Address and port to listen on (port 0: any free port).", valueName: "host:port"))
    var listen = "127.0.0.1:8080"
    @Option(help: ArgumentHelp("PEM certificate chain for TLS.", valueName: "file")) var tlsCert: String?
    @Option(help: ArgumentHelp("PEM private key for TLS.", valueName: "file")) var tlsKey: String?
    @Option(help: "Database connections for reads.") var readConnections = 4
    @Option(help: "The largest page (TAXII `limit`) a client may ask for.") var maxPageSize = 1000

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard parsedListen != nil else { throw ValidationError("--listen must be host:port, e.g. 127.0.0.1:8080") }
        guard (1...64).contains(readConnections) else { throw ValidationError("--read-connections must be 1 to 64") }
        guard (1...10_000).contains(maxPageSize) else { throw ValidationError("--max-page-size must be 1 to 10000") }
    }

    var parsedListen: (String, Int)? { Self.parse(listen) }

    /// `host:port` (an IPv6 host in brackets), or nil.
    static func parse(_ listen: String) -> (String, Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    func run() async throws {
        guard let (host, port) = parsedListen else { return }
        for path in [tlsCert, tlsKey].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: path) {
            throw Failure(code: Failure.usage, message: "\(path): cannot read the file")
        }
        let configuration = ServerConfiguration(host: host, port: port,
                                                tls: tlsCert.map { .init(certificateChain: $0, privateKey: tlsKey ?? "") },
                                                readConnections: readConnections, maxPageSize: maxPageSize)
        let server = try await TAXIIServer.open(try store.url(), configuration: configuration) { store, settings in
            STIXPageImporter(store: store, settings: settings)
        }
        var logger = Logger(label: "rastro.serve")
        logger.logLevel = Environment.value("RASTRO_LOG_LEVEL").flatMap { Logger.Level(rawValue: $0) } ?? .notice
        do {
            try await server.run(logger: logger) { url in
                FileHandle.standardOutput.write(Data("rastro serve: TAXII 2.1 discovery at \(url)\n".utf8))
            }
        } catch {
            await server.close()
            throw Failure(code: Failure.store, message: "rastro serve: \(error)")
        }
        await server.close()
    }
}

/// Loads the STIX objects partners add through the server, as the partner.
struct STIXPageImporter: TAXIIObjectImporting {
    let store: Store
    let settings: NodeSettings

    func importObjects(_ objects: [[UInt8]], source: String, viewer: Viewer) async throws {
        _ = try await stixLoader(store: store, settings: settings, actor: viewer.actor, partner: viewer.organization)(objects, source)
    }
}

struct CollectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collection",
        abstract: "The TAXII collections this node serves, each bound to a partner organization.",
        discussion: """
            A collection holds what a sharing rule releases to its partner organization, as STIX \
            2.1, redacted as the policy says: `released` (everything the policy releases to it) or \
            `leads` (only leads and their outcomes). `publish` brings it up to date; objects the \
            rule no longer releases are withdrawn (partners that already pulled them keep them).

            Examples:
              rastro collection add us-dea --for US-DEA --title "MX-FUSION to US-DEA"
              rastro collection publish us-dea
              rastro collection list
            """,
        subcommands: [Add.self, List.self, Publish.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a collection for a member organization.")
        @OptionGroup var store: DatabaseOptions
        @OptionGroup var viewer: ViewerOptions
        @Argument(help: ArgumentHelp("Its id (letters, digits, - . _); a UUID is made when omitted.", valueName: "id"))
        var id: String?
        @Option(name: .customLong("for"), help: ArgumentHelp("The partner organization (a member).", valueName: "org"))
        var partner: String
        @Option(help: "Its title.") var title: String?
        @Option(help: "released or leads.") var rule = "released"
        @Flag(help: "Let the partner add objects (its leads' outcomes, its own data).") var write = false

        func validate() throws {
            if let id, !Marking.isValidParty(id) { throw ValidationError("ID must be letters, digits, - . _ (2 to 64 characters)") }
            guard TAXIICollection.Rule(rawValue: rule) != nil else { throw ValidationError("--rule must be released or leads") }
        }

        func run() async throws {
            let collectionID = id ?? UUID().uuidString.lowercased()
            try await store.withStore { store in
                let settings = try await store.settings()
                let viewer = try await viewer.viewer(store, settings)
                try requireAdmin(viewer, settings)
                let partner = partner.uppercased()
                guard partner != settings.organization else {
                    throw Failure(code: Failure.usage, message: "a collection is for a partner, not the node's own organization")
                }
                try await store.addTAXIICollection(
                    TAXIICollection(collectionID: collectionID, title: title ?? "\(settings.organization) to \(partner)",
                                    partnerOrg: partner, rule: TAXIICollection.Rule(rawValue: rule) ?? .released,
                                    canRead: true, canWrite: write), by: viewer)
            }
            print("added collection \(collectionID) for \(partner.uppercased())")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the collections.")
        @OptionGroup var store: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let rows = try await store.withStore { store in
                var rows: [(TAXIICollection, Int)] = []
                for collection in try await store.taxiiCollections() {
                    rows.append((collection, try await store.taxiiObjectCount(collection.collectionID)))
                }
                return rows
            }
            if json {
                struct Entry: Encodable { var collection: TAXIICollection; var objects: Int }
                return try Terminal.json(rows.map { Entry(collection: $0.0, objects: $0.1) })
            }
            Terminal.table(["id", "partner", "rule", "access", "objects", "published", "title"], rows.map { collection, count in
                [collection.collectionID, collection.partnerOrg, collection.rule.rawValue,
                 collection.canWrite ? "read, write" : "read", String(count), collection.publishedAt ?? "never", collection.title]
            })
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring collections up to date with what their rule releases.")
        @OptionGroup var store: DatabaseOptions
        @OptionGroup var viewer: ViewerOptions
        @Argument(help: ArgumentHelp("Collections to publish (default: all).", valueName: "id")) var ids: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let results = try await store.withStore { store in
                let settings = try await store.settings()
                let viewer = try await viewer.viewer(store, settings)
                try requireAdmin(viewer, settings)
                var collections = try await store.taxiiCollections()
                if !ids.isEmpty {
                    for id in ids where !collections.contains(where: { $0.collectionID == id }) {
                        throw Failure(code: Failure.usage, message: "no collection \(id) (see rastro collection list)")
                    }
                    collections = collections.filter { ids.contains($0.collectionID) }
                }
                var results: [(String, TAXIIAddCounts)] = []
                for collection in collections {
                    let counts = try await CollectionPublisher(store: store, settings: settings, by: viewer).publish(collection)
                    results.append((collection.collectionID, counts))
                }
                return results
            }
            if json {
                struct Entry: Encodable { var collection: String; var counts: TAXIIAddCounts }
                return try Terminal.json(results.map { Entry(collection: $0.0, counts: $0.1) })
            }
            for (id, counts) in results {
                print("\(id): \(counts.added) added, \(counts.unchanged) unchanged, \(counts.withdrawn) withdrawn")
            }
        }
    }
}

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pull partners' TAXII collections into this node's store.",
        discussion: """
            `pull` loads a collection page by page, each page atomically, and remembers where it \
            got to: run it again to get what was added since, or after it was stopped. Failures \
            that may pass (no connection, timeouts, 5xx, garbled answers) are retried with \
            growing pauses; then it stops with the reason, keeping the pages already loaded. \
            Credentials come from the environment, never the command line: RASTRO_SYNC_TOKEN (a \
            bearer token), or RASTRO_SYNC_USER and RASTRO_SYNC_PASSWORD.

            Examples:
              RASTRO_SYNC_TOKEN=rst_… rastro sync pull --from https://mx-node:8443/taxii2/ --collection us-dea
              rastro sync status
            """,
        subcommands: [Pull.self, Status.self])

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pull what a partner's collection added since the last pull.",
            discussion: """
                Each page is loaded atomically, then the cursor moves past it; a pull that stops \
                (killed, or the partner failing) resumes from there. Exit 3 with the reason when \
                the partner stays down, slow or garbled after --attempts.

                Example:
                  rastro sync pull --from https://mx-node:8443/taxii2/ --collection us-dea --partner MX-SAT
                """)
        @OptionGroup var store: DatabaseOptions
        @Option(help: ArgumentHelp("The partner's discovery URL or API root.", valueName: "url")) var from: String
        @Option(help: ArgumentHelp("The collection's id.", valueName: "id")) var collection: String
        @Option(help: ArgumentHelp(
            "The organization the collection comes from: the originator of objects that name no creator (default: TAXII- and the server's host).",
            valueName: "org"))
        var partner: String?
        @Option(help: ArgumentHelp("A PEM file of certificates to trust (the partner's CA).", valueName: "file")) var caFile: String?
        @Option(help: "Objects per page.") var pageSize = 1000
        @Option(help: "Attempts per request before giving up.") var attempts = 5
        @Option(help: ArgumentHelp("Seconds to wait for an answer.", valueName: "seconds")) var timeout = 60.0
        @Option(help: ArgumentHelp("Seconds of the first pause between attempts (then doubling, up to 8).", valueName: "seconds"))
        var retryDelay = 0.5
        @Option(help: ArgumentHelp("Stop after this many pages (the rest on the next pull).", valueName: "n")) var maxPages: Int?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard from.hasPrefix("http://") || from.hasPrefix("https://") else { throw ValidationError("--from must be an http(s) URL") }
            if let partner, !Marking.isValidParty(partner) { throw ValidationError("--partner must be an organization id (letters, digits, - . _)") }
            guard (1...10_000).contains(pageSize) else { throw ValidationError("--page-size must be 1 to 10000") }
            guard (1...100).contains(attempts) else { throw ValidationError("--attempts must be 1 to 100") }
            guard timeout > 0, retryDelay >= 0 else { throw ValidationError("--timeout and --retry-delay must be positive") }
        }

        func run() async throws {
            let credentials: TAXIIClient.Credentials
            if let token = Environment.value("RASTRO_SYNC_TOKEN"), !token.isEmpty {
                credentials = .bearer(token)
            } else if let user = Environment.value("RASTRO_SYNC_USER"), !user.isEmpty {
                credentials = .basic(user: user, password: Environment.value("RASTRO_SYNC_PASSWORD") ?? "")
            } else {
                credentials = .none
            }
            if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                throw Failure(code: Failure.usage, message: "\(caFile): cannot read the file")
            }
            let quiet = json
            let client = try TAXIIClient(credentials: credentials,
                                         options: .init(attempts: attempts, initialDelay: retryDelay, timeout: timeout, caFile: caFile),
                                         onRetry: { reason, delay in
                                             if !quiet { Terminal.note("\(reason); trying again in \(delay) s") }
                                         })
            let report: SyncPuller.Report
            do {
                report = try await store.withStore { store in
                    let settings = try await store.settings()
                    let apiRoot = try await client.apiRoot(from: from)
                    let puller = SyncPuller(store: store, client: client, viewer: settings.viewer,
                                            load: stixLoader(store: store, settings: settings, actor: settings.organization,
                                                             partner: partner?.uppercased() ?? Self.hostParty(from)))
                    return try await puller.pull(apiRoot: apiRoot, collection: collection, pageSize: pageSize, maxPages: maxPages)
                }
            } catch let failure as TAXIIClient.Failure {
                await client.shutdown()
                throw Failure(code: Failure.store, message: "sync pull: \(failure.description)")
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
            if json { return try Terminal.json(report) }
            print("""
                pulled \(report.objects) objects in \(report.pages) pages from \(report.remote)collections/\(report.collection)/: \
                \(report.loaded) loaded, \(report.unchanged) unchanged, \(report.skipped) skipped; \
                cursor \(report.cursor ?? "none")
                """)
        }

        /// `TAXII-` and the URL's host, as an organization id: the originator of objects that name none.
        static func hostParty(_ url: String) -> String {
            let host = URL(string: url)?.host ?? "REMOTE"
            let cleaned = String(host.uppercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "-" })
            return String(("TAXII-" + cleaned).prefix(64))
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Where each pull got to.")
        @OptionGroup var store: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let cursors = try await store.withStore { try await $0.syncCursors() }
            if json { return try Terminal.json(cursors) }
            Terminal.table(["remote", "collection", "through", "objects loaded", "updated"], cursors.map {
                [$0.remote, $0.collectionID, $0.addedLast ?? "", String($0.objectsLoaded), $0.updatedAt]
            })
        }
    }
}
