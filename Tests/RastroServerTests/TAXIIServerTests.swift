import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RastroModel
import RastroServer
import RastroShare
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// A TAXII server on a free loopback port over a test store, stopped by `stop`.
struct RunningServer {
    let server: TAXIIServer
    let task: Task<Void, any Error>
    let discovery: String
    var base: String { String(discovery.dropLast("taxii2/".count)) }

    static func start(_ url: String, configuration: ServerConfiguration = ServerConfiguration(port: 0)) async throws -> RunningServer {
        let server = try await TAXIIServer.open(try DatabaseURL(parsing: url), configuration: configuration)
        let (stream, continuation) = AsyncStream<String>.makeStream()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let task = Task {
            try await server.run(logger: logger) { continuation.yield($0) }
        }
        var iterator = stream.makeAsyncIterator()
        guard let discovery = await iterator.next() else { throw CancellationError() }
        return RunningServer(server: server, task: task, discovery: discovery)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
        await server.close()
    }
}

/// An HTTP answer: status, headers and the JSON body.
struct Answer {
    var status: Int
    var headers: [String: String]
    var json: [String: Any]
    var text: String
}

func request(_ url: String, token: String?, method: String = "GET", accept: String? = "application/taxii+json;version=2.1",
             body: String? = nil, contentType: String? = nil) async throws -> Answer {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    if let accept { request.headers.add(name: "Accept", value: accept) }
    if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
    if let body {
        request.body = .bytes(ByteBuffer(string: body))
        request.headers.add(name: "Content-Type", value: contentType ?? "application/taxii+json;version=2.1")
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
    let text = String(buffer: bytes)
    var headers: [String: String] = [:]
    for header in response.headers { headers[header.name.lowercased()] = header.value }
    let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    return Answer(status: Int(response.status.code), headers: headers, json: json, text: text)
}

/// A node with a partner organization, a liaison with a token, and a collection of `count`
/// objects (every fifth one in a second version).
struct Fixture {
    let test: TestStore
    let token: String
    let otherToken: String
    let ids: [String]

    static func make(_ backend: TestBackend, count: Int) async throws -> Fixture {
        let test = try await TestStore.make(backend, organization: "MX-FUSION", country: "MX")
        let node = test.settings.viewer
        try await test.store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: node)
        try await test.store.addMember(Member(orgID: "CO-DIJIN", country: "CO", name: "DIJIN"), by: node)
        var tokens: [String] = []
        for (user, org) in [("tom", "US-DEA"), ("ana", "CO-DIJIN")] {
            try await test.store.addUser(UserAccount(userID: user, orgID: org, role: .liaison, displayName: user), by: node)
            let token = Credentials.newToken()
            try await test.store.addToken(APITokenRecord(tokenID: token.id, userID: user, label: "test"), hash: Credentials.tokenHash(token.token),
                                          by: node)
            tokens.append(token.token)
        }
        try await test.store.addTAXIICollection(TAXIICollection(collectionID: "us-dea", title: "to US-DEA", partnerOrg: "US-DEA",
                                                                canWrite: false), by: node)
        var objects: [TAXIIObject] = []
        var ids: [String] = []
        for index in 0..<count {
            let type = index % 3 == 0 ? "identity" : "incident"
            let id = "\(type)--00000000-0000-4000-8000-\(String(format: "%012d", index))"
            ids.append(id)
            let version = "2026-01-01T00:00:00.000Z"
            objects.append(TAXIIObject(id: id, version: version, type: type, specVersion: "2.1",
                                       body: #"{"id":"\#(id)","modified":"\#(version)","spec_version":"2.1","type":"\#(type)","n":\#(index)}"#))
        }
        _ = try await test.store.addTAXIIObjects(objects, to: "us-dea")
        let second = objects.enumerated().filter { $0.offset % 5 == 0 }.map { offset, object in
            var newer = object
            newer.version = "2026-02-01T00:00:00.000Z"
            newer.body = #"{"id":"\#(object.id)","modified":"\#(newer.version)","spec_version":"2.1","type":"\#(object.type)","n":\#(offset),"v":2}"#
            return newer
        }
        _ = try await test.store.addTAXIIObjects(second, to: "us-dea")
        return Fixture(test: test, token: tokens[0], otherToken: tokens[1], ids: ids)
    }
}

@Suite(.serialized) struct TAXIIServerTests {
    @Test(arguments: TestBackend.all)
    func discoveryCollectionsAndAccess(_ backend: TestBackend) async throws {
        let fixture = try await Fixture.make(backend, count: 10)
        let server = try await RunningServer.start(fixture.test.url)
        defer { Task { await fixture.test.dispose() } }
        do {
            let anonymous = try await request(server.discovery, token: nil)
            #expect(anonymous.status == 401)
            #expect(anonymous.json["http_status"] as? String == "401")
            #expect(anonymous.headers["content-type"] == "application/taxii+json;version=2.1")
            #expect(try await request(server.discovery, token: "rst_bogus000_nothing").status == 401)

            let discovery = try await request(server.discovery, token: fixture.token)
            #expect(discovery.status == 200)
            let roots = try #require(discovery.json["api_roots"] as? [String])
            #expect(roots == [server.base + "api1/"])
            let root = try await request(roots[0], token: fixture.token)
            #expect(root.json["versions"] as? [String] == ["application/taxii+json;version=2.1"])

            let collections = try await request(roots[0] + "collections/", token: fixture.token)
            let list = try #require(collections.json["collections"] as? [[String: Any]])
            #expect(list.map { $0["id"] as? String } == ["us-dea"])
            #expect(list.first?["can_read"] as? Bool == true && list.first?["can_write"] as? Bool == false)

            // Another partner does not even learn that the collection exists.
            let other = try await request(roots[0] + "collections/", token: fixture.otherToken)
            #expect(other.status == 200 && other.json.isEmpty)
            #expect(try await request(roots[0] + "collections/us-dea/", token: fixture.otherToken).status == 404)
            #expect(try await request(roots[0] + "collections/us-dea/objects/", token: fixture.otherToken).status == 404)

            // Media types and bad parameters.
            #expect(try await request(roots[0] + "collections/", token: fixture.token, accept: "text/html").status == 406)
            #expect(try await request(roots[0] + "collections/us-dea/objects/?limit=zero", token: fixture.token).status == 400)
            #expect(try await request(roots[0] + "collections/us-dea/objects/?added_after=yesterday", token: fixture.token).status == 400)
            #expect(try await request(roots[0] + "status/nope/", token: fixture.token).status == 404)
            let write = try await request(roots[0] + "collections/us-dea/objects/", token: fixture.token, method: "POST", body: #"{"objects":[]}"#)
            #expect(write.status == 403, "the collection is read-only for its partner")

            #expect(try await request(server.base + "healthz", token: nil, accept: nil).status == 200)
            let metrics = try await request(server.base + "metrics", token: nil, accept: nil)
            #expect(metrics.text.contains(#"rastro_http_requests_total{route="discovery",method="GET",status="401"} 2"#))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test(arguments: TestBackend.all)
    func paginationFiltersAndVersions(_ backend: TestBackend) async throws {
        let fixture = try await Fixture.make(backend, count: 250)
        let server = try await RunningServer.start(fixture.test.url)
        do {
            let objectsURL = server.base + "api1/collections/us-dea/objects/"
            try await fixture.test.store.executeForTests("DELETE FROM audit_log")
            // Pages of 100 with `next`: every object once, at its last version.
            var seen: [String] = []
            var next: String?
            var lastAdded = ""
            var pages = 0
            repeat {
                let answer = try await request(objectsURL + "?limit=100" + (next.map { "&next=" + $0 } ?? ""), token: fixture.token)
                #expect(answer.status == 200)
                let objects = try #require(answer.json["objects"] as? [[String: Any]])
                seen += objects.compactMap { $0["id"] as? String }
                let first = try #require(answer.headers["x-taxii-date-added-first"])
                #expect(first > lastAdded, "pages follow date_added")
                lastAdded = try #require(answer.headers["x-taxii-date-added-last"])
                next = answer.json["next"] as? String
                #expect((answer.json["more"] as? Bool) == (next != nil))
                pages += 1
                #expect(objects.allSatisfy { object in ((object["n"] as? Int).map { $0 % 5 != 0 } ?? false) || object["v"] as? Int == 2 },
                        "the default is the last version")
            } while next != nil
            #expect(pages == 3)
            #expect(seen.count == 250 && Set(seen) == Set(fixture.ids))
            let entries = try await fixture.test.store.auditEntries()
            #expect(entries.filter { $0.event.action == "taxii.objects" && $0.event.actor == "tom" }.count == 3, "every page is audited")

            // added_after: only what came after; the second versions were added last.
            let firstPage = try await request(objectsURL + "?limit=50", token: fixture.token)
            let cut = try #require(firstPage.headers["x-taxii-date-added-last"])
            let after = try await request(objectsURL + "?limit=1000&added_after=" + cut, token: fixture.token)
            let afterIDs = (after.json["objects"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(!afterIDs.isEmpty && afterIDs.count < 250)
            #expect(Set(afterIDs).isDisjoint(with: Set((firstPage.json["objects"] as? [[String: Any]] ?? [])
                .compactMap { object -> String? in (object["v"] == nil) ? object["id"] as? String : nil })))

            // match[type], match[id], match[version].
            let identities = try await request(objectsURL + "?limit=1000&match%5Btype%5D=identity", token: fixture.token)
            #expect((identities.json["objects"] as? [[String: Any]])?.count == 84)
            let both = try await request(objectsURL + "?limit=1000&match[type]=identity,incident", token: fixture.token)
            #expect((both.json["objects"] as? [[String: Any]])?.count == 250)
            let one = try await request(objectsURL + "?match[id]=" + fixture.ids[5] + "&match[version]=all", token: fixture.token)
            #expect((one.json["objects"] as? [[String: Any]])?.count == 2)
            let firstVersion = try await request(objectsURL + "?match[id]=" + fixture.ids[5] + "&match[version]=first", token: fixture.token)
            #expect((firstVersion.json["objects"] as? [[String: Any]])?.first?["v"] == nil)
            let exact = try await request(objectsURL + "?match[id]=" + fixture.ids[5] + "&match[version]=2026-02-01T00:00:00.000Z",
                                          token: fixture.token)
            #expect((exact.json["objects"] as? [[String: Any]])?.first?["v"] as? Int == 2)
            let none = try await request(objectsURL + "?match[spec_version]=2.0", token: fixture.token)
            #expect(none.status == 200 && none.json.isEmpty)

            // Object by id, its versions, and the manifest.
            let object = try await request(objectsURL + fixture.ids[5] + "/", token: fixture.token)
            #expect((object.json["objects"] as? [[String: Any]])?.count == 1)
            #expect(try await request(objectsURL + "identity--99999999-0000-4000-8000-000000000000/", token: fixture.token).status == 404)
            let versions = try await request(objectsURL + fixture.ids[5] + "/versions/", token: fixture.token)
            #expect(versions.json["versions"] as? [String] == ["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"])
            let manifest = try await request(server.base + "api1/collections/us-dea/manifest/?limit=10", token: fixture.token)
            let records = try #require(manifest.json["objects"] as? [[String: Any]])
            #expect(records.count == 10 && manifest.json["more"] as? Bool == true)
            #expect(records.allSatisfy { $0["media_type"] as? String == "application/stix+json;version=2.1" && $0["date_added"] is String })
        } catch {
            await server.stop()
            await fixture.test.dispose()
            throw error
        }
        await server.stop()
        await fixture.test.dispose()
    }
}

@Suite struct TAXIITimeTests {
    @Test func formatsAndParsesMicroseconds() {
        #expect(TAXIITime.format(microseconds: 0) == "1970-01-01T00:00:00.000000Z")
        #expect(TAXIITime.parse("1970-01-01T00:00:00Z") == 0)
        #expect(TAXIITime.parse("2026-11-26T03:15:00.123456Z") == 1_795_662_900_123_456)
        #expect(TAXIITime.format(microseconds: 1_795_662_900_123_456) == "2026-11-26T03:15:00.123456Z")
        #expect(TAXIITime.parse("2026-11-26T03:15:00.1Z") == 1_795_662_900_100_000)
        #expect(TAXIITime.parse("2026-11-26T03:15:00.1234569Z") == 1_795_662_900_123_456, "cut, not rounded")
        #expect(TAXIITime.parse("2026-11-26T04:15:00+01:00") == 1_795_662_900_000_000)
        #expect(TAXIITime.parse("2000-02-29T12:00:00Z").map(TAXIITime.format) == "2000-02-29T12:00:00.000000Z")
        for bad in ["", "2026-11-26", "2026-13-01T00:00:00Z", "2026-11-26T03:15:00", "2026-11-26T03:15:00.Z", "2026-11-26T03:15:00Zx",
                    "yesterday"] {
            #expect(TAXIITime.parse(bad) == nil, "\(bad)")
        }
        for value: Int64 in [1, 999_999, 1_000_000, 951_825_600_000_000, 4_102_444_800_000_001] {
            #expect(TAXIITime.parse(TAXIITime.format(microseconds: value)) == value)
        }
    }
}
