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

    var response: Response {
        let body: [String: Any] = ["title": title, "description": description, "http_status": String(status.code)]
        var response = TAXIIServer.json(body, status: status)
        if status == .unauthorized {
            response.headers[.wwwAuthenticate] = #"Basic realm="rastro", charset="UTF-8""#
        }
        return response
    }
}
