public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// A TAXII 2.1 client for pulling partners' collections: discovery, collections, and pages of
/// objects, with retries. A request that fails for a reason that may pass (no connection, a
/// timeout, a 5xx or 429 answer, a body that is not the JSON it should be) is tried again after
/// a growing pause; one that cannot pass (401, 403, 404, …) fails at once. Errors say which URL
/// and what happened, never the credentials.
public final class TAXIIClient: Sendable {
    public enum Credentials: Sendable {
        case none
        case basic(user: String, password: String)
        case bearer(String)
    }

    public struct Options: Sendable {
        /// Attempts per request, the first included.
        public var attempts: Int
        /// The first pause between attempts; each next one doubles, up to `maxDelay`.
        public var initialDelay: Double
        public var maxDelay: Double
        /// Seconds to wait for a whole answer.
        public var timeout: Double
        /// A PEM file of certificates to trust (a partner node's own CA); the system's otherwise.
        public var caFile: String?

        public init(attempts: Int = 5, initialDelay: Double = 0.5, maxDelay: Double = 8, timeout: Double = 60, caFile: String? = nil) {
            self.attempts = attempts
            self.initialDelay = initialDelay
            self.maxDelay = maxDelay
            self.timeout = timeout
            self.caFile = caFile
        }
    }

    /// A page of a collection's objects, each as its JSON bytes.
    public struct Page: Sendable {
        public var objects: [[UInt8]]
        public var more: Bool
        public var next: String?
        public var dateAddedFirst: String?
        public var dateAddedLast: String?
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        /// Whether trying again later may help.
        public var transient: Bool
    }

    static let accept = "application/taxii+json;version=2.1"
    let http: HTTPClient
    let credentials: Credentials
    let options: Options
    /// Called before each retry with the failure and the pause (for progress output).
    let onRetry: (@Sendable (String, Double) -> Void)?

    public init(credentials: Credentials, options: Options = Options(), onRetry: (@Sendable (String, Double) -> Void)? = nil) throws {
        var configuration = HTTPClient.Configuration()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let caFile = options.caFile {
            tls.trustRoots = .file(caFile)
        }
        configuration.tlsConfiguration = tls
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(Int64(max(1, options.timeout))))
        configuration.redirectConfiguration = .disallow
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.credentials = credentials
        self.options = options
        self.onRetry = onRetry
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// GETs `url` and returns its JSON object and headers, retrying what may pass.
    func get(_ url: String) async throws -> ([String: Any], HTTPHeaders) {
        var delay = options.initialDelay
        var attempt = 1
        while true {
            do {
                return try await getOnce(url)
            } catch let failure as Failure where failure.transient && attempt < options.attempts {
                onRetry?(failure.description, delay)
                try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
                delay = min(delay * 2, options.maxDelay)
                attempt += 1
            } catch let failure as Failure where failure.transient {
                throw Failure(description: "\(failure.description) (gave up after \(attempt) attempts)", transient: true)
            }
        }
    }

    private func getOnce(_ url: String) async throws -> ([String: Any], HTTPHeaders) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: Self.accept)
        switch credentials {
        case .none: break
        case .basic(let user, let password):
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        case .bearer(let token):
            request.headers.add(name: "Authorization", value: "Bearer " + token)
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .milliseconds(Int64(options.timeout * 1000)))
            body = try await response.body.collect(upTo: 512 * 1024 * 1024)
        } catch {
            throw Failure(description: "\(url): \(Self.describe(error))", transient: true)
        }
        let code = response.status.code
        guard (200..<300).contains(code) else {
            let transient = code >= 500 || code == 429 || code == 408
            var reason = "HTTP \(code)"
            if let error = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
               let title = error["title"] as? String {
                reason += " (\(title)\((error["description"] as? String).map { ": " + $0 } ?? ""))"
            }
            throw Failure(description: "\(url): the server answered \(reason)", transient: transient)
        }
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        guard contentType.contains("json") else {
            throw Failure(description: "\(url): the answer is \(contentType.isEmpty ? "untyped" : contentType), not TAXII JSON", transient: true)
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        } catch {
            throw Failure(description: "\(url): the answer is not valid JSON (\(body.readableBytes) bytes, cut off or garbled)", transient: true)
        }
        guard let object = parsed as? [String: Any] else {
            throw Failure(description: "\(url): the answer is JSON but not a TAXII resource (not an object)", transient: true)
        }
        return (object, response.headers)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            return "no answer in time"
        case let error as HTTPClientError where error == .connectTimeout:
            return "could not connect in time"
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            return "the server closed the connection"
        case let error as NIOSSLError:
            return "TLS failed: \(error)"
        default:
            let text = "\(error)"
            if text.contains("connectionRefused") || text.contains("Connection refused") { return "the server is not reachable (connection refused)" }
            return text
        }
    }

    /// The API root to use for `url`: the default (or only) one when `url` is a discovery
    /// endpoint, else `url` itself when it is an API root.
    public func apiRoot(from url: String) async throws -> String {
        let (resource, _) = try await get(url)
        if let roots = resource["api_roots"] as? [String] {
            if let chosen = (resource["default"] as? String) ?? (roots.count == 1 ? roots[0] : nil) {
                return Self.slash(Self.resolve(chosen, against: url))
            }
            throw Failure(description: "\(url): the server lists \(roots.count) API roots and no default; give one with --from", transient: false)
        }
        guard resource["versions"] != nil || resource["title"] != nil else {
            throw Failure(description: "\(url): neither a TAXII discovery endpoint nor an API root", transient: false)
        }
        return Self.slash(url)
    }

    /// The API roots a discovery URL lists (absolute URLs).
    public func apiRoots(discovery url: String) async throws -> [String] {
        let (resource, _) = try await get(url)
        let roots = (resource["api_roots"] as? [String]) ?? []
        return roots.map { Self.resolve($0, against: url) }
    }

    public func collections(apiRoot: String) async throws -> [[String: Any]] {
        let (resource, _) = try await get(Self.slash(apiRoot) + "collections/")
        return (resource["collections"] as? [[String: Any]]) ?? []
    }

    /// One page of a collection's objects. `next` continues a previous page; otherwise
    /// `addedAfter` (an RFC 3339 timestamp) starts after it.
    public func objects(apiRoot: String, collection: String, addedAfter: String?, next: String?, limit: Int) async throws -> Page {
        var parameters = ["limit=\(limit)"]
        if let next { parameters.append("next=" + Self.encode(next)) }
        if let addedAfter { parameters.append("added_after=" + Self.encode(addedAfter)) }
        let url = Self.slash(apiRoot) + "collections/\(Self.encode(collection))/objects/?" + parameters.joined(separator: "&")
        let (resource, headers) = try await get(url)
        guard resource["objects"] == nil || resource["objects"] is [Any] else {
            throw Failure(description: "\(url): `objects` is not a list", transient: true)
        }
        var objects: [[UInt8]] = []
        for item in (resource["objects"] as? [Any]) ?? [] {
            guard let object = item as? [String: Any], object["id"] is String, object["type"] is String else {
                throw Failure(description: "\(url): the page holds something that is not a STIX object", transient: false)
            }
            objects.append(Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])))
        }
        let more = (resource["more"] as? Bool) ?? false
        let next = resource["next"].map { "\($0)" }
        if more && next == nil && headers.first(name: "X-TAXII-Date-Added-Last") == nil {
            throw Failure(description: "\(url): the page says there is more but gives no way to continue", transient: false)
        }
        return Page(objects: objects, more: more, next: next,
                    dateAddedFirst: headers.first(name: "X-TAXII-Date-Added-First"),
                    dateAddedLast: headers.first(name: "X-TAXII-Date-Added-Last"))
    }

    static func slash(_ url: String) -> String { url.hasSuffix("/") ? url : url + "/" }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// `/api1/` against `https://host:port/taxii2/` → `https://host:port/api1/`.
    static func resolve(_ reference: String, against base: String) -> String {
        if reference.hasPrefix("http://") || reference.hasPrefix("https://") { return reference }
        guard let baseURL = URL(string: base), let url = URL(string: reference, relativeTo: baseURL) else { return reference }
        return url.absoluteString
    }
}
