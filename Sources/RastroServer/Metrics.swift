import Synchronization

/// Request counters and latency histograms, exposed in Prometheus' text format at `/metrics`.
final class ServerMetrics: Sendable {
    private struct Series: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct State {
        var requests: [Series: Int] = [:]
        var buckets: [String: [Int]] = [:]
        var sums: [String: Double] = [:]
        var counts: [String: Int] = [:]
        var objectsServed = 0
        var objectsAdded = 0
        var authFailures = 0
    }

    static let bounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    private let state = Mutex(State())

    func record(route: String, method: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[Series(route: route, method: method, status: status), default: 0] += 1
            var buckets = state.buckets[route] ?? Array(repeating: 0, count: Self.bounds.count)
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { buckets[index] += 1 }
            state.buckets[route] = buckets
            state.sums[route, default: 0] += seconds
            state.counts[route, default: 0] += 1
        }
    }

    func served(objects: Int) { state.withLock { $0.objectsServed += objects } }
    func added(objects: Int) { state.withLock { $0.objectsAdded += objects } }
    func authenticationFailed() { state.withLock { $0.authFailures += 1 } }

    func exposition() -> String {
        state.withLock { state in
            var lines: [String] = []
            lines.append("# HELP rastro_http_requests_total HTTP requests by route, method and status.")
            lines.append("# TYPE rastro_http_requests_total counter")
            for (series, count) in state.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
                lines.append("rastro_http_requests_total{route=\"\(series.route)\",method=\"\(series.method)\",status=\"\(series.status)\"} \(count)")
            }
            lines.append("# HELP rastro_http_request_duration_seconds Time to answer, by route.")
            lines.append("# TYPE rastro_http_request_duration_seconds histogram")
            for route in state.buckets.keys.sorted() {
                let buckets = state.buckets[route] ?? []
                for (index, bound) in Self.bounds.enumerated() {
                    lines.append("rastro_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(buckets[index])")
                }
                lines.append("rastro_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(state.counts[route] ?? 0)")
                lines.append("rastro_http_request_duration_seconds_sum{route=\"\(route)\"} \(state.sums[route] ?? 0)")
                lines.append("rastro_http_request_duration_seconds_count{route=\"\(route)\"} \(state.counts[route] ?? 0)")
            }
            lines.append("# HELP rastro_taxii_objects_served_total STIX objects sent in TAXII pages.")
            lines.append("# TYPE rastro_taxii_objects_served_total counter")
            lines.append("rastro_taxii_objects_served_total \(state.objectsServed)")
            lines.append("# HELP rastro_taxii_objects_added_total STIX objects accepted by add-objects.")
            lines.append("# TYPE rastro_taxii_objects_added_total counter")
            lines.append("rastro_taxii_objects_added_total \(state.objectsAdded)")
            lines.append("# HELP rastro_authentication_failures_total Requests whose credentials were refused.")
            lines.append("# TYPE rastro_authentication_failures_total counter")
            lines.append("rastro_authentication_failures_total \(state.authFailures)")
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
