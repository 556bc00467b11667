public import RastroStore

/// How `rastro serve` listens and serves.
public struct ServerConfiguration: Sendable {
    public struct TLSFiles: Sendable {
        /// PEM certificate chain (the node's certificate first).
        public var certificateChain: String
        /// PEM private key.
        public var privateKey: String

        public init(certificateChain: String, privateKey: String) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    public var host: String
    /// 0 picks a free port; the port is printed when the server is ready.
    public var port: Int
    public var tls: TLSFiles?
    /// Database connections for reads (TAXII pages, discovery); writes and the audit use one more.
    public var readConnections: Int
    /// The largest `limit` a client may ask for; larger ones are cut to it, as TAXII allows.
    public var maxPageSize: Int
    /// The page size when a request gives no `limit`.
    public var defaultPageSize: Int
    /// The largest add-objects request body, in bytes (the API root's max_content_length).
    public var maxContentLength: Int
    public var title: String
    /// Serve the analysts' workbench (the web pages) beside the TAXII endpoints.
    public var workbench: Bool
    /// How long a request waits for a lock another writer holds (a load or an analysis in another
    /// process) before it is answered 503 with Retry-After: 30 s.
    public var storeBusyTimeoutMilliseconds: Int32 = 30_000

    public init(host: String = "127.0.0.1", port: Int = 8080, tls: TLSFiles? = nil, readConnections: Int = 4,
                maxPageSize: Int = 1000, defaultPageSize: Int = 100, maxContentLength: Int = 32 * 1024 * 1024,
                title: String = "Rastro node", workbench: Bool = true) {
        self.host = host
        self.port = port
        self.tls = tls
        self.readConnections = readConnections
        self.maxPageSize = maxPageSize
        self.defaultPageSize = defaultPageSize
        self.maxContentLength = maxContentLength
        self.title = title
        self.workbench = workbench
    }
}
