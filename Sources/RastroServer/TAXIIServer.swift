import Crypto
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HTTPTypes
public import Logging
import NIOCore
import NIOSSL
public import RastroShare
public import RastroStore
import Synchronization

/// `rastro serve`: the node's TAXII 2.1 server for partner nodes (and any TAXII client), with
/// `/healthz` and Prometheus `/metrics`. Every TAXII request is authenticated (HTTP basic with a
/// user's password, or a bearer API token), sees only the collections bound to its organization,
/// and is audited before it is answered.
public final class TAXIIServer: Sendable {
    public static let taxiiMediaType = "application/taxii+json;version=2.1"
    public static let stixMediaType = "application/stix+json;version=2.1"
    static let apiRoot = "api1"

    let configuration: ServerConfiguration
    let reads: [Store]
    let writes: Store
    /// The audit batcher's own connection: a page's entry never waits for the server's other
    /// writes (a partner's add-objects, a lead), nor for a load in another process (on SQLite an
    /// entry locks the audit file only).
    let auditWrites: Store
    let settings: NodeSettings
    let credentials: CredentialCache
    let audit: AuditBatcher
    let gate: WriteGate
    let metrics = ServerMetrics()
    let importer: (any TAXIIObjectImporting)?
    /// The analysts' web pages, served beside the TAXII endpoints (nil: TAXII only).
    let workbench: Workbench?
    private let nextRead = Atomic<Int>(0)
    /// Collections by id, looked up again after a few seconds (a new collection, a changed rule).
    private let collectionCache = Mutex([String: (TAXIICollection?, Double)]())

    func cachedCollection(_ id: String) async throws -> TAXIICollection? {
        let now = Date().timeIntervalSince1970
        if let (collection, at) = collectionCache.withLock({ $0[id] }), now - at < 5 { return collection }
        let collection = try await read.taxiiCollection(id)
        collectionCache.withLock { cache in
            if cache.count > 1000 { cache.removeAll() }
            cache[id] = (collection, now)
        }
        return collection
    }

    init(configuration: ServerConfiguration, reads: [Store], writes: Store, auditWrites: Store, settings: NodeSettings,
         credentials: CredentialCache, audit: AuditBatcher, gate: WriteGate, importer: (any TAXIIObjectImporting)?, workbench: Workbench?) {
        self.configuration = configuration
        self.reads = reads
        self.writes = writes
        self.auditWrites = auditWrites
        self.settings = settings
        self.credentials = credentials
        self.audit = audit
        self.gate = gate
        self.importer = importer
        self.workbench = workbench
    }

    /// Opens the server's connections; `importer` takes the objects partners add (nil: add-objects is refused).
    public static func open(_ url: DatabaseURL, configuration: ServerConfiguration,
                            importer: (@Sendable (Store, NodeSettings) -> any TAXIIObjectImporting)? = nil) async throws -> TAXIIServer {
        _ = AllocatorTuning.applied
        // Requests wait for the write connection's commits (the audit's group commit): its WAL
        // checkpoints run on a thread of their own, not inside one of those commits.
        var writeConfiguration = StoreConfiguration()
        writeConfiguration.backgroundCheckpoints = true
        writeConfiguration.busyTimeoutMilliseconds = configuration.storeBusyTimeoutMilliseconds
        let writes = try await Store.open(url, configuration: writeConfiguration)
        let settings = try await writes.settings()
        var reads: [Store] = []
        // The read connections map the file (SQLite): a page then costs no system call and no
        // copy. Measured on the large world's 1.4 GB store: docs/benchmarks.md, workbench pages.
        var readConfiguration = StoreConfiguration()
        readConfiguration.memoryMapBytes = 1 << 40
        // SQLite maps at most its build's limit (2 GiB in Debian's); the pages of a larger file
        // beyond it are read into each connection's page cache. Kept at 8 MiB: with 64 MiB, the
        // four read connections of a server over a 2.4 GB store held 150–200 MB of it and served
        // no faster (docs/benchmarks.md, federation, thirteenth session).
        readConfiguration.pageCacheKiB = 8 * 1024
        readConfiguration.busyTimeoutMilliseconds = configuration.storeBusyTimeoutMilliseconds
        for _ in 0..<max(1, configuration.readConnections) { reads.append(try await Store.open(url, configuration: readConfiguration)) }
        let gate = WriteGate()
        // Every audited request waits for its entry's commit: the entries have a connection of
        // their own, apart from the writes above and their gate.
        let auditWrites = try await Store.open(url, configuration: writeConfiguration)
        let audit = AuditBatcher(store: auditWrites)
        let workbench = configuration.workbench
            ? try await Workbench(reads: reads, writes: writes, gate: gate, settings: settings, audit: audit,
                                  secureCookies: configuration.tls != nil)
            : nil
        return TAXIIServer(configuration: configuration, reads: reads, writes: writes, auditWrites: auditWrites, settings: settings,
                           credentials: CredentialCache(store: writes), audit: audit, gate: gate,
                           importer: importer?(writes, settings), workbench: workbench)
    }

    public func close() async {
        for store in reads { await store.close() }
        await writes.close()
        await auditWrites.close()
    }

    var read: Store {
        reads[nextRead.wrappingAdd(1, ordering: .relaxed).oldValue % reads.count]
    }

    /// Serves until SIGINT or SIGTERM. `onReady` gets the URL of the discovery endpoint once the
    /// port is bound.
    public func run(logger: Logger, onReady: @escaping @Sendable (String) -> Void) async throws {
        let router = Router(context: BasicRequestContext.self)
        routes(router)
        if let workbench { Task { await workbench.warm() } }
        let server: HTTPServerBuilder
        let scheme: String
        if let tls = configuration.tls {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChain).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
            var tlsConfiguration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            tlsConfiguration.minimumTLSVersion = .tlsv12
            server = try .tls(.http1(), tlsConfiguration: tlsConfiguration)
            scheme = "https"
        } else {
            server = .http1()
            scheme = "http"
        }
        let host = configuration.host
        let app = Application(router: router, server: server,
                              configuration: .init(address: .hostname(host, port: configuration.port), serverName: "rastro"),
                              onServerRunning: { channel in
                                  let port = channel.localAddress?.port ?? 0
                                  let shownHost = host.contains(":") ? "[\(host)]" : host
                                  onReady("\(scheme)://\(shownHost):\(port)/taxii2/")
                              },
                              logger: logger)
        try await app.runService()
    }

    // MARK: Routes

    func routes(_ router: Router<BasicRequestContext>) {
        workbench?.routes(router)
        router.get(RouterPath("/healthz")) { _, _ in await self.measured("healthz", "GET") { try await self.health() } }
        router.get(RouterPath("/metrics")) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: self.metrics.exposition())))
        }
        router.get(RouterPath("/taxii2/")) { request, _ in
            await self.measured("discovery", "GET") { try await self.discovery(request) }
        }
        let root = "/\(Self.apiRoot)/"
        router.get(RouterPath(root)) { request, _ in await self.measured("api_root", "GET") { try await self.apiRootInfo(request) } }
        router.get(RouterPath(root + "collections/")) { request, _ in
            await self.measured("collections", "GET") { try await self.collections(request) }
        }
        router.get(RouterPath(root + "collections/:collection/")) { request, context in
            await self.measured("collection", "GET") { try await self.collection(request, context.parameters.get("collection") ?? "") }
        }
        router.get(RouterPath(root + "collections/:collection/objects/")) { request, context in
            await self.measured("objects", "GET") { try await self.objects(request, context.parameters.get("collection") ?? "", objectID: nil) }
        }
        router.post(RouterPath(root + "collections/:collection/objects/")) { request, context in
            await self.measured("add_objects", "POST") { try await self.addObjects(request, context.parameters.get("collection") ?? "") }
        }
        router.get(RouterPath(root + "collections/:collection/objects/:object/")) { request, context in
            await self.measured("object", "GET") {
                try await self.objects(request, context.parameters.get("collection") ?? "", objectID: context.parameters.get("object") ?? "")
            }
        }
        router.get(RouterPath(root + "collections/:collection/objects/:object/versions/")) { request, context in
            await self.measured("versions", "GET") {
                try await self.versions(request, context.parameters.get("collection") ?? "", objectID: context.parameters.get("object") ?? "")
            }
        }
        router.get(RouterPath(root + "collections/:collection/manifest/")) { request, context in
            await self.measured("manifest", "GET") { try await self.manifest(request, context.parameters.get("collection") ?? "") }
        }
        router.get(RouterPath(root + "status/:status/")) { request, context in
            await self.measured("status", "GET") { try await self.status(request, context.parameters.get("status") ?? "") }
        }
    }

    /// Runs a handler, turning its errors into TAXII error bodies, and records its metrics.
    func measured(_ route: String, _ method: String, _ body: () async throws -> Response) async -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await body()
        } catch let error as TAXIIError {
            response = error.response
        } catch let error as StoreError where error.code == .busy {
            response = TAXIIError.busy.response
        } catch {
            response = TAXIIError(.internalServerError, "The server could not answer", "\(error)").response
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        metrics.record(route: route, method: method, status: Int(response.status.code), seconds: seconds)
        return response
    }

    // MARK: Handlers

    func health() async throws -> Response {
        do {
            _ = try await read.taxiiCollections()
        } catch {
            throw TAXIIError(.serviceUnavailable, "The database is not reachable", "\(error)")
        }
        // The workbench is "warming" while it builds its caches after a start.
        let body = workbench.map { #"{"status":"ok","workbench":""# + ($0.isWarm ? "ready" : "warming") + #""}"# } ?? #"{"status":"ok"}"#
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func signedIn(_ request: Request) async throws -> Viewer {
        try Self.requireTAXIIAccept(request)
        guard let viewer = await credentials.viewer(authorization: request.headers[.authorization]) else {
            metrics.authenticationFailed()
            throw TAXIIError(.unauthorized, "Authentication required",
                             "Sign in with HTTP basic (a user of this node) or a bearer API token.")
        }
        return viewer
    }

    static func requireTAXIIAccept(_ request: Request) throws {
        guard let accept = request.headers[.accept], !acceptsTAXII(accept) else { return }
        throw TAXIIError(.notAcceptable, "The media type is not supported", "This server answers \(taxiiMediaType).")
    }

    /// Whether an `Accept` header admits TAXII 2.1 (`*/*`, `application/*`, or
    /// `application/taxii+json` without a version or with version 2.1), case and spaces aside.
    static func acceptsTAXII(_ accept: String) -> Bool {
        // What TAXII clients send, checked first without splitting.
        if accept == taxiiMediaType { return true }
        for item in accept.split(separator: ",") {
            let parts = item.split(separator: ";").map { RequestText.lowercasedASCII(RequestText.trimmed($0)) }
            guard let type = parts.first else { continue }
            if type == "*/*" || type == "application/*" { return true }
            if type == "application/taxii+json" {
                let version = parts.dropFirst().first { $0.hasPrefix("version=") }
                if version == nil || version == "version=2.1" { return true }
            }
        }
        return false
    }

    func discovery(_ request: Request) async throws -> Response {
        _ = try await signedIn(request)
        // Absolute, as the spec's api_roots are URLs: the host the client used to reach us.
        let scheme = configuration.tls == nil ? "http" : "https"
        let authority = request.head.authority ?? "\(configuration.host):\(configuration.port)"
        let base = "\(scheme)://\(authority)/\(Self.apiRoot)/"
        return Self.json([
            "title": configuration.title + " (" + settings.organization + ")",
            "description": "TAXII 2.1 server of the Rastro node of \(settings.organization) (\(settings.country)).",
            "default": base,
            "api_roots": [base],
        ])
    }

    func apiRootInfo(_ request: Request) async throws -> Response {
        _ = try await signedIn(request)
        return Self.json([
            "title": "Rastro collections of \(settings.organization)",
            "description": "Collections released by \(settings.organization) to partner organizations.",
            "versions": [Self.taxiiMediaType],
            "max_content_length": configuration.maxContentLength,
        ])
    }

    /// What the viewer may do with a collection: nil when it may not even know it exists.
    func access(_ viewer: Viewer, _ collection: TAXIICollection) -> (read: Bool, write: Bool)? {
        if viewer.organization == settings.organization {
            // The node's own people see what they share, and only admins add to it.
            return (true, viewer.roles.contains(.admin))
        }
        guard viewer.organization == collection.partnerOrg else { return nil }
        return (collection.canRead, collection.canWrite)
    }

    func resource(_ collection: TAXIICollection, _ access: (read: Bool, write: Bool)) -> [String: Any] {
        [
            "id": collection.collectionID,
            "title": collection.title,
            "description": collection.description,
            "can_read": access.read,
            "can_write": access.write,
            "media_types": [Self.stixMediaType],
        ]
    }

    func collections(_ request: Request) async throws -> Response {
        let viewer = try await signedIn(request)
        let visible = try await read.taxiiCollections().compactMap { collection in
            access(viewer, collection).map { resource(collection, $0) }
        }
        return visible.isEmpty ? Self.json([:]) : Self.json(["collections": visible])
    }

    func visibleCollection(_ viewer: Viewer, _ id: String) async throws -> (TAXIICollection, (read: Bool, write: Bool)) {
        guard let collection = try await cachedCollection(id), let access = access(viewer, collection) else {
            throw TAXIIError(.notFound, "Collection not found", "There is no collection \(id) for \(viewer.organization).")
        }
        return (collection, access)
    }

    func collection(_ request: Request, _ id: String) async throws -> Response {
        let viewer = try await signedIn(request)
        let (collection, access) = try await visibleCollection(viewer, id)
        return Self.json(resource(collection, access))
    }

    func readableCollection(_ request: Request, _ id: String) async throws -> (Viewer, TAXIICollection) {
        let viewer = try await signedIn(request)
        let (collection, access) = try await visibleCollection(viewer, id)
        guard access.read else {
            throw TAXIIError(.forbidden, "The collection cannot be read", "\(viewer.organization) may only add objects to \(id).")
        }
        return (viewer, collection)
    }

    func query(_ request: Request, collection: String, objectID: String?) throws -> TAXIIQuery {
        let parameters = QueryParameters(request.uri.query ?? "")
        var query = TAXIIQuery(collectionID: collection, limit: configuration.defaultPageSize)
        if let limit = parameters.first("limit") {
            guard let value = Int(limit), value > 0 else {
                throw TAXIIError(.badRequest, "Invalid limit", "limit must be a positive integer, not \(limit).")
            }
            query.limit = min(value, configuration.maxPageSize)
        }
        if let addedAfter = parameters.first("added_after") {
            guard let value = TAXIITime.parse(addedAfter) else {
                throw TAXIIError(.badRequest, "Invalid added_after", "added_after must be an RFC 3339 timestamp, not \(addedAfter).")
            }
            query.addedAfter = value
        }
        if let next = parameters.first("next") {
            guard let value = Int64(next), value >= 0 else {
                throw TAXIIError(.badRequest, "Invalid next", "next must be a value this server returned, not \(next).")
            }
            query.after = value
        }
        query.ids = parameters.list("match[id]")
        if let objectID { query.ids = [objectID] }
        query.types = parameters.list("match[type]")
        query.specVersions = parameters.list("match[spec_version]")
        let versions = parameters.list("match[version]")
        if versions.contains("all") {
            query.versions = .all
        } else if versions == ["first"] {
            query.versions = .first
        } else if versions.isEmpty || versions == ["last"] {
            query.versions = .last
        } else {
            let exact = versions.filter { $0 != "first" && $0 != "last" }
            guard exact.allSatisfy({ TAXIITime.parse($0) != nil }) else {
                throw TAXIIError(.badRequest, "Invalid match[version]", "match[version] takes last, first, all or timestamps.")
            }
            // "first,last" or a mix with timestamps: the union is what matches; keep the simple cases exact.
            query.versions = exact.isEmpty ? .all : .exactly(exact)
        }
        return query
    }

    func headers(for page: TAXIIPage) -> HTTPFields {
        var headers: HTTPFields = [.contentType: Self.taxiiMediaType]
        if let first = page.objects.first, let last = page.objects.last {
            headers[HTTPField.Name("X-TAXII-Date-Added-First")!] = TAXIITime.format(microseconds: first.addedMicroseconds)
            headers[HTTPField.Name("X-TAXII-Date-Added-Last")!] = TAXIITime.format(microseconds: last.addedMicroseconds)
        }
        return headers
    }

    func auditPage(_ viewer: Viewer, _ collection: String, _ what: String, _ page: TAXIIPage) async throws {
        guard !page.objects.isEmpty else {
            try await audit.append(AuditEvent(viewer, "taxii.\(what)", objects: ["collection/\(collection)"], detail: "objects=0"))
            return
        }
        // The page's objects are named by the range of date_added they fill and the digest of their
        // ids and versions: the collection keeps them, so the entry says exactly what was seen.
        let digest = AuditChain.hex(SHA256.hash(data: Array(page.objects.map { $0.id + " " + $0.version }.joined(separator: "\n").utf8)))
        let detail = "objects=\(page.objects.count) first=\(page.objects[0].addedMicroseconds) "
            + "last=\(page.objects[page.objects.count - 1].addedMicroseconds) sha256=\(digest)"
        try await audit.append(AuditEvent(viewer, "taxii.\(what)", objects: ["collection/\(collection)"], detail: detail))
    }

    func objects(_ request: Request, _ collectionID: String, objectID: String?) async throws -> Response {
        let (viewer, _) = try await readableCollection(request, collectionID)
        let query = try query(request, collection: collectionID, objectID: objectID)
        var page = try await read.taxiiObjectsJSON(query, as: TAXIIEnvelope.self)
        if objectID != nil, page.count == 0, query.after == nil {
            throw TAXIIError(.notFound, "Object not found", "The collection has no object \(objectID ?? "") matching the request.")
        }
        // The page's objects are named by the range of date_added they fill and the digest of their
        // ids and versions: the collection keeps them, so the entry says exactly what was seen.
        try await audit.append(AuditEvent(viewer, "taxii.objects", objects: ["collection/\(collectionID)"],
                                          detail: page.count == 0 ? "objects=0"
                                              : "objects=\(page.count) first=\(page.first) last=\(page.last) sha256=\(page.digest)"))
        metrics.served(objects: page.count)
        guard page.count > 0 else {
            // TAXII: an envelope with no objects is an empty resource.
            return Response(status: .ok, headers: [.contentType: Self.taxiiMediaType], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        var headers: HTTPFields = [.contentType: Self.taxiiMediaType]
        headers[Self.dateAddedFirst] = TAXIITime.format(microseconds: page.first)
        headers[Self.dateAddedLast] = TAXIITime.format(microseconds: page.last)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: page.json.finish(more: page.more, next: page.last)))
    }

    static let dateAddedFirst = HTTPField.Name("X-TAXII-Date-Added-First")!
    static let dateAddedLast = HTTPField.Name("X-TAXII-Date-Added-Last")!

    func manifest(_ request: Request, _ collectionID: String) async throws -> Response {
        let (viewer, _) = try await readableCollection(request, collectionID)
        let query = try query(request, collection: collectionID, objectID: nil)
        let page = try await read.taxiiObjects(query, withBodies: false)
        try await auditPage(viewer, collectionID, "manifest", page)
        guard !page.objects.isEmpty else { return Self.json([:], headers: headers(for: page)) }
        var resource: [String: Any] = ["more": page.more, "objects": page.objects.map { object in
            ["id": object.id, "date_added": TAXIITime.format(microseconds: object.addedMicroseconds), "version": object.version,
             "media_type": Self.stixMediaType]
        }]
        if page.more { resource["next"] = String(page.objects.last?.addedMicroseconds ?? 0) }
        return Self.json(resource, headers: headers(for: page))
    }

    func versions(_ request: Request, _ collectionID: String, objectID: String) async throws -> Response {
        let (viewer, _) = try await readableCollection(request, collectionID)
        var query = try query(request, collection: collectionID, objectID: objectID)
        query.versions = .all
        let page = try await read.taxiiObjects(query, withBodies: false)
        if page.objects.isEmpty, query.after == nil, query.addedAfter == nil {
            throw TAXIIError(.notFound, "Object not found", "The collection has no object \(objectID).")
        }
        try await auditPage(viewer, collectionID, "versions", page)
        guard !page.objects.isEmpty else { return Self.json([:], headers: headers(for: page)) }
        var resource: [String: Any] = ["more": page.more, "versions": page.objects.map(\.version)]
        if page.more { resource["next"] = String(page.objects.last?.addedMicroseconds ?? 0) }
        return Self.json(resource, headers: headers(for: page))
    }

    func status(_ request: Request, _ statusID: String) async throws -> Response {
        let viewer = try await signedIn(request)
        guard let status = try await read.taxiiStatus(statusID),
              status.orgID == viewer.organization || viewer.organization == settings.organization else {
            throw TAXIIError(.notFound, "Status not found", "There is no status \(statusID) for \(viewer.organization).")
        }
        return Self.json(Self.statusResource(status))
    }

    static func statusResource(_ status: TAXIIStatus) -> [String: Any] {
        func details(_ list: [TAXIIStatus.Detail]) -> [[String: Any]] {
            list.map { detail in
                var entry: [String: Any] = ["id": detail.id, "version": detail.version]
                if let message = detail.message { entry["message"] = message }
                return entry
            }
        }
        var resource: [String: Any] = [
            "id": status.statusID, "status": status.status, "request_timestamp": status.requestTimestamp,
            "total_count": status.totalCount, "success_count": status.successes.count,
            "failure_count": status.failures.count, "pending_count": status.pendings.count,
        ]
        if !status.successes.isEmpty { resource["successes"] = details(status.successes) }
        if !status.failures.isEmpty { resource["failures"] = details(status.failures) }
        if !status.pendings.isEmpty { resource["pendings"] = details(status.pendings) }
        return resource
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status = .ok, headers: HTTPFields? = nil) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: headers ?? [.contentType: taxiiMediaType],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// How the server hands the objects partners add to the node's store.
public protocol TAXIIObjectImporting: Sendable {
    /// Loads the objects (each one JSON object's bytes) atomically; `source` names the collection
    /// and the partner. Throws to refuse them all.
    func importObjects(_ objects: [[UInt8]], source: String, viewer: Viewer) async throws
}

/// A query string's parameters, percent-decoded, keys as written (`match[type]`).
struct QueryParameters {
    var pairs: [(String, String)] = []

    init(_ query: String) {
        for item in query.split(separator: "&") where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((RequestText.formDecoded(parts[0]), parts.count > 1 ? RequestText.formDecoded(parts[1]) : ""))
        }
    }

    func first(_ key: String) -> String? { pairs.first { $0.0 == key }?.1 }

    /// Every value of a key, comma-separated lists split (TAXII's `match[type]=a,b`).
    func list(_ key: String) -> [String] {
        pairs.filter { $0.0 == key }.flatMap { $0.1.split(separator: ",").map { String(RequestText.trimmed($0)) } }
            .filter { !$0.isEmpty }
    }
}

/// An envelope's response buffer, which takes a page's objects straight from the store: room for
/// the envelope's head, which is known only once the page is read (`more`, `next`), then the objects.
struct TAXIIEnvelope: TAXIIPageBytes {
    /// `{"more":true,"next":"` (21 bytes), an Int64 (at most 20 characters), `","objects":[` (13).
    static let headRoom = 64
    private var buffer: ByteBuffer

    init(pageCapacity capacity: Int) {
        buffer = ByteBuffer()
        buffer.reserveCapacity(Self.headRoom + capacity + 2)
        buffer.writeRepeatingByte(UInt8(ascii: " "), count: Self.headRoom)
    }

    mutating func appendJSON(_ bytes: UnsafeRawBufferPointer) { buffer.writeBytes(bytes) }

    /// The whole envelope: the head written into its room, the objects, the end.
    /// (Mutating, so that the buffer is still this page's alone and is written in place.)
    mutating func finish(more: Bool, next: Int64) -> ByteBuffer {
        let head = more ? #"{"more":true,"next":""# + String(next) + #"","objects":["# : #"{"more":false,"objects":["#
        let start = Self.headRoom - head.utf8.count
        buffer.setString(head, at: start)
        buffer.moveReaderIndex(to: start)
        buffer.writeString("]}")
        return buffer
    }
}
