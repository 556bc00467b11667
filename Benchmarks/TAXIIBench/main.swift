// Issue 7's benchmark helper (driven by scripts/bench/taxii.sh).
//
//   rastro-taxii-bench load sqlite:/path/node.db COLLECTION BUNDLE.json COUNT
//       Fills COLLECTION with COUNT objects: the bundle's objects, then copies of them with fresh
//       ids (the last 12 hex digits of the UUID replaced by a counter) until COUNT is reached.
//   rastro-taxii-bench pull API_ROOT COLLECTION USER PASSWORD [LIMIT] [ROUNDS]
//       Pulls the whole collection page by page with `next`, ROUNDS times, one connection, and
//       prints the median objects/s. The answer is scanned, not decoded: the client counts the
//       `objects` array's elements and reads `more`/`next`, so the figure is the server's.
import AsyncHTTPClient
import Foundation
import NIOCore
@_spi(Testing) import RastroStore

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

/// The number of elements of the top-level `objects` array, and `more` / `next`.
func scan(_ bytes: [UInt8]) -> (count: Int, more: Bool, next: String?) {
    let key = Array(#""objects""#.utf8)
    var index = 0
    var start = -1
    var inString = false
    var depth = 0
    // Find `"objects"` at depth 1 (a key of the envelope).
    while index < bytes.count {
        let byte = bytes[index]
        if inString {
            if byte == 92 { index += 2; continue }
            if byte == 34 { inString = false }
        } else if byte == 34 {
            if depth == 1, bytes.count >= index + key.count, Array(bytes[index..<(index + key.count)]) == key {
                start = index + key.count
                break
            }
            inString = true
        } else if byte == 123 || byte == 91 {
            depth += 1
        } else if byte == 125 || byte == 93 {
            depth -= 1
        }
        index += 1
    }
    var count = 0
    if start >= 0 {
        index = start
        while index < bytes.count, bytes[index] != 91 { index += 1 }
        index += 1
        var level = 0
        inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == 92 { index += 2; continue }
                if byte == 34 { inString = false }
            } else if byte == 34 {
                inString = true
            } else if byte == 123 || byte == 91 {
                if level == 0 { count += 1 }
                level += 1
            } else if byte == 125 || byte == 93 {
                if level == 0 { break }
                level -= 1
            }
            index += 1
        }
    }
    // `more` and `next` are short: read them off the envelope without its objects.
    let text = String(decoding: bytes.prefix(start >= 0 ? start : bytes.count), as: UTF8.self)
        + (start >= 0 ? String(decoding: bytes.suffix(min(400, bytes.count - start)), as: UTF8.self) : "")
    let more = text.range(of: #""more"\s*:\s*true"#, options: .regularExpression) != nil
    var next: String?
    if let range = text.range(of: #""next"\s*:\s*"[^"]*""#, options: .regularExpression) {
        let match = text[range]
        let value = match[match.index(after: match.dropLast().lastIndex(of: "\"")!)...].dropLast()
        next = String(value)
    }
    return (count, more, next)
}

func load(_ arguments: [String]) async throws {
    guard arguments.count == 4, let count = Int(arguments[3]) else { fail("usage: load URL COLLECTION BUNDLE COUNT") }
    let store = try await Store.open(try DatabaseURL(parsing: arguments[0]))
    let bundle = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: arguments[2]))) as? [String: Any]
    guard let objects = bundle?["objects"] as? [[String: Any]], !objects.isEmpty else { fail("\(arguments[2]): no objects") }
    var batch: [TAXIIObject] = []
    var written = 0
    let started = Date()
    for index in 0..<count {
        var object = objects[index % objects.count]
        let round = index / objects.count
        guard let id = object["id"] as? String, let type = object["type"] as? String else { continue }
        var newID = id
        if round > 0 {
            // type--xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx: the last group becomes the copy's number.
            newID = String(id.dropLast(12)) + String(format: "%012x", round * objects.count + index % objects.count)
            object["id"] = newID
        }
        let version = (object["modified"] as? String) ?? (object["created"] as? String) ?? "2026-01-01T00:00:00.000Z"
        let body = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
                          as: UTF8.self)
        batch.append(TAXIIObject(id: newID, version: version, type: type, specVersion: "2.1", body: body))
        if batch.count == 5_000 || index == count - 1 {
            let counts = try await store.addTAXIIObjects(batch, to: arguments[1])
            written += counts.added
            batch.removeAll(keepingCapacity: true)
        }
    }
    await store.close()
    print("loaded \(written) objects into \(arguments[1]) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
}

func pull(_ arguments: [String]) async throws {
    guard arguments.count >= 4 else { fail("usage: pull API_ROOT COLLECTION USER PASSWORD [LIMIT] [ROUNDS]") }
    let root = arguments[0].hasSuffix("/") ? arguments[0] : arguments[0] + "/"
    let limit = arguments.count > 4 ? Int(arguments[4]) ?? 1000 : 1000
    let rounds = arguments.count > 5 ? Int(arguments[5]) ?? 3 : 3
    let authorization = "Basic " + Data("\(arguments[2]):\(arguments[3])".utf8).base64EncodedString()
    var rates: [Double] = []
    var total = 0
    for _ in 0..<rounds {
        var next: String?
        var objects = 0
        var pages = 0
        let start = ContinuousClock.now
        repeat {
            var url = root + "collections/\(arguments[1])/objects/?limit=\(limit)"
            if let next { url += "&next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? next) }
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/taxii+json;version=2.1")
            request.headers.add(name: "Authorization", value: authorization)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(600))
            guard response.status.code == 200 else { fail("\(url): HTTP \(response.status.code)") }
            let body = try await response.body.collect(upTo: 1 << 30)
            let page = scan(Array(body.readableBytesView))
            objects += page.count
            pages += 1
            next = page.more ? page.next : nil
            if page.more && page.next == nil { fail("\(url): more but no next") }
        } while next != nil
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        rates.append(Double(objects) / seconds)
        total = objects
        FileHandle.standardError.write(Data("  pulled \(objects) objects in \(pages) pages in \(String(format: "%.2f", seconds)) s\n".utf8))
    }
    let median = rates.sorted()[rates.count / 2]
    print("pull objects=\(total) limit=\(limit) rounds=\(rounds) median_objects_per_s=\(String(format: "%.0f", median))")
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "load": try await load(Array(arguments.dropFirst()))
case "pull": try await pull(Array(arguments.dropFirst()))
default: fail("usage: rastro-taxii-bench load|pull …")
}
