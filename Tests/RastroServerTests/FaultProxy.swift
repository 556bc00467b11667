import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A loopback HTTP proxy in front of a real server that misbehaves on purpose, request by
/// request, as its schedule says: answers 500, cuts the body short, sends garbage, or waits.
final class FaultProxy: Sendable {
    enum Fault: Sendable, Equatable {
        case pass
        case status(Int)
        case truncate
        case garbage
        case delay(Double)
        /// Closes the connection without an answer.
        case hangUp
    }

    private let upstream: String
    private let schedule: Mutex<[Fault]>
    private let served = Mutex<[Fault]>([])

    /// `upstream` is the real server's base URL (`http://127.0.0.1:PORT/`); faults are used in
    /// order, one per request, then every request passes.
    init(upstream: String, schedule: [Fault]) {
        self.upstream = upstream
        self.schedule = Mutex(schedule)
    }

    var faults: [Fault] { served.withLock { $0 } }

    func setSchedule(_ faults: [Fault]) { schedule.withLock { $0 = faults } }

    static func start(upstream: String, schedule: [Fault]) async throws -> (proxy: FaultProxy, url: String, task: Task<Void, any Error>) {
        let proxy = FaultProxy(upstream: upstream, schedule: schedule)
        let router = Router(context: BasicRequestContext.self)
        router.get(RouterPath("**")) { request, _ in try await proxy.forward(request) }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "fault-proxy")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService() }
        var iterator = stream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return (proxy, "http://127.0.0.1:\(port)/", task)
    }

    private func next() -> Fault {
        let fault = schedule.withLock { schedule in schedule.isEmpty ? Fault.pass : schedule.removeFirst() }
        served.withLock { $0.append(fault) }
        return fault
    }

    func forward(_ request: Request) async throws -> Response {
        let fault = next()
        switch fault {
        case .status(let code):
            return Response(status: .init(code: code), headers: [.contentType: "application/taxii+json;version=2.1"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"title":"injected","http_status":"\#(code)"}"#)))
        case .garbage:
            return Response(status: .ok, headers: [.contentType: "application/taxii+json;version=2.1"],
                            body: .init(byteBuffer: ByteBuffer(string: "<html>proxy error</html>")))
        case .hangUp:
            throw CancellationError()
        case .delay(let seconds):
            try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
        case .pass, .truncate:
            break
        }
        var upstreamRequest = HTTPClientRequest(url: upstream + request.uri.string.drop { $0 == "/" })
        for name in ["Authorization", "Accept"] {
            if let value = request.headers[HTTPField.Name(name)!] { upstreamRequest.headers.add(name: name, value: value) }
        }
        let response = try await HTTPClient.shared.execute(upstreamRequest, timeout: .seconds(30))
        var body = try await response.body.collect(upTo: 256 * 1024 * 1024)
        if fault == .truncate { body = body.getSlice(at: body.readerIndex, length: body.readableBytes / 2) ?? body }
        var headers = HTTPFields()
        for header in response.headers where header.name.lowercased() != "content-length" {
            if let name = HTTPField.Name(header.name) { headers[name] = header.value }
        }
        return Response(status: .init(code: Int(response.status.code)), headers: headers, body: .init(byteBuffer: body))
    }
}
