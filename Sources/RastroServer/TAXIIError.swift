import Foundation
import Hummingbird
import NIOCore

/// A TAXII error message: its HTTP status and the spec's error body (`title`, `description`,
/// `http_status`), in the TAXII media type.
struct TAXIIError: Error, Sendable {
    var status: HTTPResponse.Status
    var title: String
    var description: String

    init(_ status: HTTPResponse.Status, _ title: String, _ description: String) {
        self.status = status
        self.title = title
        self.description = description
    }

    /// The store's write lock was held by another writer (a load or an analysis in another
    /// process) for longer than the server waits: 503, so that clients try again.
    static let busy = TAXIIError(.serviceUnavailable, "The store is busy",
                                 "Another writer holds the node's store (a load or an analysis); try again in a few seconds.")

    /// Seconds a client is asked to wait after a 503.
    static let retryAfterSeconds = 5

    var response: Response {
        let body: [String: Any] = ["title": title, "description": description, "http_status": String(status.code)]
        var response = TAXIIServer.json(body, status: status)
        if status == .unauthorized {
            response.headers[.wwwAuthenticate] = #"Basic realm="rastro", charset="UTF-8""#
        }
        if status == .serviceUnavailable { response.headers[.retryAfter] = String(Self.retryAfterSeconds) }
        return response
    }
}
