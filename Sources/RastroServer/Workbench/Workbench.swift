import Foundation
public import Hummingbird
import HTTPTypes
import Logging
import Mustache
import NIOCore
import RastroAnalysis
import RastroModel
import RastroResolve
import RastroShare
public import RastroStore
import Synchronization

/// The analysts' workbench: server-rendered pages (swift-mustache templates, strings from the
/// message catalog in English and Spanish) beside the TAXII endpoints of `rastro serve`. Every
/// page belongs to a signed-in user, and every query behind it reads through that user's `Viewer`.
public final class Workbench: Sendable {
    let reads: [Store]
    let writes: Store
    /// Every write goes through it (see `WriteGate`): `write { … }`.
    let gate: WriteGate
    let settings: NodeSettings
    let audit: AuditBatcher
    let sessions: Sessions
    let catalog: Catalog
    let library: MustacheLibrary
    let webRoot: URL
    /// Where Debian's packages put Leaflet and d3 (`libjs-leaflet`, `libjs-d3`).
    let vendorRoot: URL
    let secureCookies: Bool
    private let nextRead = Atomic<Int>(0)
    private let warmed = Atomic<Bool>(false)
    var isWarm: Bool { warmed.load(ordering: .relaxed) }
    let runs = RunCache()
    let entities = EntitySummaries()
    /// The overview's chart of controlled-chemical imports per month, per organization's view, kept
    /// until the next load (a scan of the visible consignments; a third of that page's time).
    let monthlyImports = StampedCache<[(month: String, count: Int)]>(capacity: 1_000)
    /// The map's occupied cells, kept until the next load.
    let mapCells = MapCells()
    let logger = Logger(label: "rastro.workbench")
    /// The search index's vocabulary and refresh (issue 8: the search page).
    let searchIndex = SearchIndex()
    /// The audit log's actions, for the audit page's filter.
    let auditActions = AuditActions()

    init(reads: [Store], writes: Store, gate: WriteGate, settings: NodeSettings, audit: AuditBatcher, secureCookies: Bool,
         sessions: Sessions = Sessions(idleTimeout: Workbench.idleTimeout()), vendorRoot: URL = URL(fileURLWithPath: "/usr/share/javascript")) async throws {
        guard let root = Bundle.module.url(forResource: "Web", withExtension: nil) else {
            throw WebError(.internalServerError, "the workbench's files are missing from the installation")
        }
        self.reads = reads
        self.writes = writes
        self.gate = gate
        self.settings = settings
        self.audit = audit
        self.sessions = sessions
        self.webRoot = root
        self.vendorRoot = vendorRoot
        self.secureCookies = secureCookies
        catalog = try Catalog.load(directory: root.appendingPathComponent("messages"))
        library = try await MustacheLibrary(directory: root.appendingPathComponent("templates").path)
    }

    /// How long a session lives without a request: 30 minutes, or RASTRO_WORKBENCH_IDLE_SECONDS.
    static func idleTimeout() -> Double {
        ProcessInfo.processInfo.environment["RASTRO_WORKBENCH_IDLE_SECONDS"].flatMap(Double.init).map { max(1, $0) } ?? 30 * 60
    }

    /// Runs a write on the write connection, alone (see `WriteGate`).
    func write<T: Sendable>(_ body: @Sendable (Store) async throws -> T) async throws -> T {
        try await gate.run { [writes] in try await body(writes) }
    }

    /// Brings the search index up to date; only when a load or a resolution run is newer than it
    /// does this wait for the write connection.
    func refreshSearchIndex() async throws {
        if try await searchIndex.isCurrent(with: read.searchIndexState()) { return }
        try await write { [searchIndex, settings] writes in try await searchIndex.refresh(writes, viewer: settings.processingViewer) }
    }

    var read: Store { reads[nextRead.wrappingAdd(1, ordering: .relaxed).oldValue % reads.count] }

    /// Builds what the first pages would otherwise wait for: the marking census, the search index
    /// and the node's view of the last analysis (decoding a large run takes seconds). Failures are
    /// left to the pages.
    func warm() async {
        _ = try? await write { try await $0.refreshMarkingCensus() }
        try? await refreshSearchIndex()
        await mapCells.refresh(read.url)
        // Its long reads (the audit log's actions, every member's view of the last analysis) go
        // through a connection of its own: on a shared read connection, the requests that the
        // round robin gives that connection would wait for them (0.6 s for the first pages of a
        // TAXII server whose log holds 800k entries).
        let own = try? await Store.open(read.url)
        let store = own ?? read
        _ = try? await auditActions.current(store)
        // The node's view of the last analysis, then each member organization's (an organization
        // outside the node sees only results whose every input it may see: minutes on a large run).
        var viewers = [Viewer(organization: settings.organization, country: settings.country, roles: [.analyst])]
        for member in (try? await store.members()) ?? [] where member.orgID != settings.organization {
            viewers.append(Viewer(organization: member.orgID, country: member.country))
        }
        for viewer in viewers { _ = try? await runs.shared(store, viewer: viewer, settings: settings) }
        await own?.close()
        warmed.store(true, ordering: .relaxed)
    }

    /// The workbench's routes. Pages need a session; forms need the session's CSRF token.
    func routes(_ router: Router<BasicRequestContext>) {
        router.get("/") { request, context in await self.handle(request, context, page: self.overview) }
        router.get("/login") { request, context in await self.handle(request, context, public: true, page: self.loginPage) }
        router.post("/login") { request, context in await self.handle(request, context, public: true, form: true, page: self.login) }
        router.post("/logout") { request, context in await self.handle(request, context, form: true, page: self.logout) }
        router.get("/language/:lang") { request, context in await self.handle(request, context, public: true, page: self.switchLanguage) }
        router.get("/alerts") { request, context in await self.handle(request, context, page: self.alertsPage) }
        router.get("/alerts.csv") { request, context in await self.handle(request, context, page: self.alertsCSV) }
        router.post("/alerts/state") { request, context in await self.handle(request, context, form: true, page: self.alertState) }
        router.get("/records/:kind/:id") { request, context in await self.handle(request, context, page: self.recordPage) }
        router.get("/static/**") { request, context in self.file(request, context, under: self.webRoot.appendingPathComponent("static")) }
        router.get("/geo/**") { request, context in self.file(request, context, under: self.webRoot.appendingPathComponent("geo")) }
        router.get("/vendor/**") { request, context in self.file(request, context, under: self.vendorRoot) }
        pageRoutes(router)
    }

    // MARK: Requests

    /// One request as a page sees it.
    struct Call {
        let request: Request
        let context: BasicRequestContext
        let sessionID: String?
        let session: Sessions.Session?
        let language: Catalog.Language
        let query: QueryParameters
        var form = QueryParameters("")

        /// The signed-in viewer (pages that need one only run with one).
        var viewer: Viewer { session!.viewer }
        var isAdmin: Bool { session?.viewer.roles.contains(.admin) ?? false }
        func parameter(_ name: String) -> String { context.parameters.get(name) ?? "" }
    }

    typealias Page = @Sendable (Call) async throws -> Response

    func handle(_ request: Request, _ context: BasicRequestContext, public isPublic: Bool = false, form: Bool = false,
                page: Page) async -> Response {
        let sessionID = request.cookies["rastro_session"]?.value
        let session = sessions.session(sessionID)
        let language = request.cookies["rastro_lang"].flatMap { Catalog.Language(rawValue: $0.value) }
            ?? Catalog.preferred(request.headers[.acceptLanguage])
        var call = Call(request: request, context: context, sessionID: sessionID, session: session, language: language,
                        query: QueryParameters(request.uri.query ?? ""))
        do {
            if !isPublic && session == nil {
                // An expired or missing session: sign in again, then come back (GET pages only).
                let back = request.method == .get ? request.uri.path + (request.uri.query.map { "?" + $0 } ?? "") : "/"
                var response = Self.redirect("/login?next=" + Self.percentEncoded(back) + (sessionID == nil ? "" : "&expired=1"))
                if sessionID != nil { response.setCookie(expiredCookie("rastro_session")) }
                return response
            }
            if form {
                let body = try await request.body.collect(upTo: 1 << 20)
                call.form = QueryParameters(String(buffer: body))
                try checkForm(call)
            }
            var response = try await page(call)
            Self.secure(&response)
            return response
        } catch let error as WebError {
            if error.status == .internalServerError { logger.error("workbench \(request.uri.path): \(error.detail ?? error.key)") }
            return errorPage(call, error)
        } catch let error as StoreError where error.code == .busy {
            var response = errorPage(call, WebError(.serviceUnavailable, "error.busy"))
            response.headers[.retryAfter] = String(TAXIIError.retryAfterSeconds)
            return response
        } catch {
            logger.error("workbench \(request.uri.path): \(String(reflecting: error))")
            return errorPage(call, WebError(.internalServerError, "error.internal"))
        }
    }

    /// A form is accepted only with the CSRF token of its session (the sign-in form: of its
    /// pre-session cookie), and only from this origin when the browser says where it comes from.
    func checkForm(_ call: Call) throws {
        let token = call.form.first("_csrf") ?? ""
        let expected: String
        if let session = call.session {
            expected = session.csrf
        } else {
            expected = call.request.cookies["rastro_login"]?.value ?? ""
        }
        guard !expected.isEmpty, Sessions.same(token, expected) else {
            throw WebError(.forbidden, "error.csrf")
        }
        if let origin = call.request.headers[.origin], let host = call.request.head.authority ?? call.request.headers[HTTPField.Name("Host")!] {
            let stripped = origin.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "")
            guard stripped == host else { throw WebError(.forbidden, "error.csrf") }
        }
    }

    // MARK: Responses

    /// Renders a template inside the layout, with the catalog, the viewer and the language.
    func render(_ call: Call, _ template: String, title: String, nav: String = "", _ values: [String: Any]) throws -> Response {
        var context = values
        let t = catalog.table(call.language)
        context["t"] = t
        context["lang"] = call.language.rawValue
        context["otherLang"] = call.language.other.rawValue
        context["title"] = catalog.text(title, call.language)
        if context["here"] == nil {
            context["here"] = Self.percentEncoded(call.request.uri.path + (call.request.uri.query.map { "?" + $0 } ?? ""))
        }
        context["nav_" + nav] = true
        if let session = call.session {
            context["signedIn"] = true
            context["user"] = session.viewer.user ?? session.viewer.organization
            context["org"] = session.viewer.organization
            context["country"] = session.viewer.country
            context["csrf"] = session.csrf
            context["isAdmin"] = call.isAdmin
            context["node"] = settings.organization
        }
        guard let html = library.render(context, withTemplate: template) else {
            throw WebError(.internalServerError, "error.internal", detail: "no template \(template)")
        }
        var response = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.contentLanguage] = call.language.rawValue
        return response
    }

    func errorPage(_ call: Call, _ error: WebError) -> Response {
        let message = catalog.text(error.key, call.language)
        // A lead's rules explain a refusal in their own words (English, no record values).
        let detail = error.status == .conflict ? error.detail ?? "" : ""
        var response = (try? render(call, "error", title: "error.title",
                                    // An error page repeats nothing of the request (an id the reader may not see).
                                    ["message": message, "status": String(error.status.code), "detail": detail, "here": "/"]))
            ?? Response(status: error.status)
        response.status = error.status
        Self.secure(&response)
        return response
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// Headers every workbench answer carries: no inline script or outside source, no framing,
    /// nothing cached (pages hold marked data).
    static func secure(_ response: inout Response) {
        response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
    }

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    func expiredCookie(_ name: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? ""
    }

    /// Built once: a map answer links every risk area's evidence, thousands of paths.
    private static let pathAllowed: CharacterSet = {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return allowed
    }()

    /// Only a path of this site is a place to go back to.
    static func safeReturn(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return "/" }
        return path
    }

    /// A static file under `root` (the workbench's own files, or Debian's libraries).
    func file(_ request: Request, _ context: BasicRequestContext, under root: URL) -> Response {
        let path = request.uri.path
        let parts = path.split(separator: "/").dropFirst()
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0.hasPrefix(".") }) else { return Response(status: .notFound) }
        let url = parts.reduce(root) { $0.appendingPathComponent(String($1)) }
        guard let data = FileManager.default.contents(atPath: url.path) else { return Response(status: .notFound) }
        let types = ["js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "png": "image/png", "svg": "image/svg+xml",
                     "json": "application/json", "geojson": "application/geo+json"]
        var response = Response(status: .ok, headers: [.contentType: types[url.pathExtension] ?? "application/octet-stream"],
                                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        response.headers[.cacheControl] = "max-age=3600"
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }

    // MARK: Audit

    /// Records that the viewer was shown `objects`; the page is sent only after it is in the log.
    func audited(_ call: Call, _ objects: [String], _ detail: String) async throws {
        try await audit.append(AuditEvent.read(call.viewer, objects: objects, detail: "workbench: " + detail))
    }
}

/// A failure a page answers with: an HTTP status and a catalog key saying what went wrong.
struct WebError: Error {
    var status: HTTPResponse.Status
    var key: String
    var detail: String?

    init(_ status: HTTPResponse.Status, _ key: String, detail: String? = nil) {
        self.status = status
        self.key = key
        self.detail = detail
    }

    static func notFound() -> WebError { WebError(.notFound, "error.notFound") }
}

/// Values kept per key until their stamp (what they were computed from) changes; the whole table
/// is dropped then, or when it holds `capacity` values.
final class StampedCache<Value: Sendable>: Sendable {
    private let entries = Mutex((stamp: "", table: [String: Value]()))
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func value(stamp: String, key: String, compute: () async throws -> Value) async throws -> Value {
        if let found = entries.withLock({ $0.stamp == stamp ? $0.table[key] : nil }) { return found }
        let value = try await compute()
        entries.withLock { state in
            if state.stamp != stamp || state.table.count >= capacity { state = (stamp, [:]) }
            state.table[key] = value
        }
        return value
    }
}

/// What each viewer may see of resolved entities (`EntityView.visibleName`: the name, how many
/// members, the marking), kept until the next load or resolution run: the search page checks every
/// entity it lists this way, and the largest have hundreds of members to check one by one.
final class EntitySummaries: Sendable {
    typealias Summary = (name: String, mentions: Int, marking: Marking)
    private let cache = StampedCache<Summary?>(capacity: 50_000)

    /// What the summaries depend on (the loads and the last resolution run): read once per page.
    func stamp(_ store: Store) async throws -> String {
        try await store.dataStamp() + "|" + store.latestResolutionRunID()
    }

    func summary(_ store: Store, entityID: String, viewer: Viewer, stamp: String) async throws -> Summary? {
        try await cache.value(stamp: stamp, key: entityID + "|" + viewer.organization + "|" + viewer.country) {
            try await EntityView.visibleName(store, entityID: entityID, viewer: viewer)
        }
    }
}

/// The last analysis as each organization may see it, decoded once per run and load (a run's JSON
/// is large: decoding it on every page would cost more than the page).
final class RunCache: Sendable {
    private let entries = Mutex([String: (runID: String, data: String, run: SharedRun)]())

    /// The viewer's view of the last analysis, kept until another analysis or another load: a load
    /// may change a record's marking, and with it which derived results the viewer may see.
    func shared(_ store: Store, viewer: Viewer, settings: NodeSettings) async throws -> SharedRun? {
        guard let stamp = try await store.latestAnalysisStamp() else { return nil }
        let data = try await store.dataStamp()
        let key = viewer.organization + "|" + viewer.country
        if let entry = entries.withLock({ $0[key] }), entry.runID == stamp.runID, entry.data == data { return entry.run }
        guard let run = try await SharedRun.latest(store, viewer: viewer, settings: settings, action: "workbench", withDetail: true,
                                                   audit: false) else { return nil }
        entries.withLock { table in
            if table.count > 64 { table.removeAll() }
            table[key] = (run.run.runID, data, run)
        }
        return run
    }
}
