public import RastroStore

/// `rastro sync pull`: brings a partner's collection into this node's store, page by page. Each
/// page is loaded atomically and then the cursor moves past it (with an audit entry), so a pull
/// that is killed, or whose partner fails, leaves whole pages and a cursor that matches them. The
/// next pull starts just before the cursor: the boundary page is fetched again and loads as a
/// no-op, since loading STIX objects is idempotent. Nothing is lost and nothing is doubled.
public struct SyncPuller: Sendable {
    public struct Report: Sendable, Codable {
        public var remote: String
        public var collection: String
        public var pages = 0
        public var objects = 0
        public var loaded = 0
        public var unchanged = 0
        public var skipped = 0
        public var cursor: String?
        public var objectsLoadedTotal: Int64 = 0
    }

    public struct Progress: Sendable {
        public var pages: Int
        public var objects: Int
    }

    /// What loads one page: the objects' bytes and their source, giving (loaded, unchanged, skipped).
    public typealias Loader = @Sendable ([[UInt8]], String) async throws -> (loaded: Int, unchanged: Int, skipped: Int)

    let store: Store
    let client: TAXIIClient
    let viewer: Viewer
    let load: Loader

    public init(store: Store, client: TAXIIClient, viewer: Viewer, load: @escaping Loader) {
        self.store = store
        self.client = client
        self.viewer = viewer
        self.load = load
    }

    /// Pulls everything added to `collection` at `apiRoot` since the last pull.
    public func pull(apiRoot: String, collection: String, pageSize: Int = 1000, maxPages: Int? = nil,
                     progress: (@Sendable (Progress) -> Void)? = nil) async throws -> Report {
        let remote = TAXIIClient.slash(apiRoot)
        var report = Report(remote: remote, collection: collection)
        let cursor = try await store.syncCursor(remote: remote, collectionID: collection)
        // Start just before the cursor: a partner may have given several objects the same date_added.
        var addedAfter = cursor?.addedLast.flatMap(TAXIITime.parse).map { TAXIITime.format(microseconds: $0 - 1) }
        var next: String?
        let source = "taxii:" + remote + "collections/" + collection + "/"
        while true {
            let page = try await client.objects(apiRoot: remote, collection: collection, addedAfter: addedAfter, next: next, limit: pageSize)
            report.pages += 1
            report.objects += page.objects.count
            if !page.objects.isEmpty {
                let counts = try await load(page.objects, source)
                report.loaded += counts.loaded
                report.unchanged += counts.unchanged
                report.skipped += counts.skipped
                if let last = page.dateAddedLast {
                    let event = AuditEvent(viewer, "sync.pull", objects: ["remote/" + source],
                                           detail: "objects=\(page.objects.count) loaded=\(counts.loaded) unchanged=\(counts.unchanged) "
                                               + "skipped=\(counts.skipped) through=\(last)")
                    try await store.advanceSyncCursor(remote: remote, collectionID: collection, addedLast: last,
                                                      loaded: counts.loaded, event: event)
                    report.cursor = last
                }
            }
            progress?(Progress(pages: report.pages, objects: report.objects))
            guard page.more else { break }
            if let maxPages, report.pages >= maxPages { break }
            if let token = page.next {
                next = token
            } else {
                // No `next`: continue from the last date_added (the spec's other way to page).
                next = nil
                addedAfter = page.dateAddedLast
            }
        }
        report.objectsLoadedTotal = try await store.syncCursor(remote: remote, collectionID: collection)?.objectsLoaded ?? 0
        if report.cursor == nil { report.cursor = cursor?.addedLast }
        return report
    }
}
