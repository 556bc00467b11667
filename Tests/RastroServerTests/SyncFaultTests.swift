import Foundation
import RastroIngest
import RastroModel
import RastroServer
import RastroShare
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// The puller against a real server behind a proxy that fails on purpose: 500s, bodies cut short,
/// garbage, answers too slow, dropped connections. Each pull ends either complete or with a clear
/// error; the store then holds whole pages only, and a later pull completes it with nothing lost
/// and nothing doubled — the same records as a pull that met no fault.
@Suite(.serialized) struct SyncFaultTests {
    /// Mexico's node with the example data published to a US collection, and its server.
    struct Source {
        let test: TestStore
        let server: RunningServer
        let token: String
        let objects: Int
    }

    func source(_ backend: TestBackend) async throws -> Source {
        let test = try await TestStore.make(backend, organization: "MX-SAT", country: "MX")
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions())
            .run([Fixtures.packageRoot + "/Examples/small"])
        let node = test.settings.viewer
        try await test.store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: node)
        try await test.store.addMember(Member(orgID: "MX-FGR", country: "MX", name: "FGR"), by: node)
        try await test.store.addUser(UserAccount(userID: "puller", orgID: "MX-FGR", role: .liaison, displayName: "puller"), by: node)
        let token = Credentials.newToken()
        try await test.store.addToken(APITokenRecord(tokenID: token.id, userID: "puller", label: "test"), hash: Credentials.tokenHash(token.token),
                                      by: node)
        // A Mexican partner agency sees (nearly) everything: a collection big enough for many pages.
        try await test.store.addTAXIICollection(TAXIICollection(collectionID: "fgr", title: "to FGR", partnerOrg: "MX-FGR"), by: node)
        let counts = try await CollectionPublisher(store: test.store, settings: test.settings, by: node)
            .publish(try #require(try await test.store.taxiiCollection("fgr")))
        #expect(counts.added > 100)
        let server = try await RunningServer.start(test.url)
        return Source(test: test, server: server, token: token.token, objects: counts.added)
    }

    /// What a node holds after pulling: every current record of every kind, as text.
    func holdings(_ store: Store) async throws -> [String] {
        var lines: [String] = []
        for kind in Kind.allCases {
            for record in try await store.currentRecords(kind, viewer: try await store.settings().viewer, limit: 100_000) {
                lines.append("\(kind.rawValue) \(record.id) \(record.values) \(record.attributes) \(record.marking)")
            }
        }
        return lines.sorted()
    }

    /// The timeout is long by default: only the `.delay` fault is meant to time out, and on a loaded
    /// 2-core CI machine a real answer has once taken more than 5 s (a truncated page then failed as
    /// "no answer in time" instead of "not valid JSON").
    func pull(into target: TestStore, through url: String, token: String, attempts: Int = 4, timeout: Double = 30,
              maxPages: Int? = nil) async throws -> SyncPuller.Report {
        let client = try TAXIIClient(credentials: .bearer(token),
                                     options: .init(attempts: attempts, initialDelay: 0.05, maxDelay: 0.2, timeout: timeout))
        do {
            let report = try await SyncPuller(store: target.store, client: client, viewer: target.settings.viewer,
                                              load: stixLoader(store: target.store, settings: target.settings, actor: "test", partner: "MX-SAT"))
                .pull(apiRoot: url + "api1/", collection: "fgr", pageSize: 25, maxPages: maxPages)
            await client.shutdown()
            return report
        } catch {
            await client.shutdown()
            throw error
        }
    }

    @Test(arguments: TestBackend.all)
    func faultsLoseNothingAndDoubleNothing(_ backend: TestBackend) async throws {
        let source = try await source(backend)
        let clean = try await TestStore.make(.sqlite, organization: "MX-FGR", country: "MX")
        let faulty = try await TestStore.make(backend, organization: "MX-FGR", country: "MX")
        let (proxy, proxyURL, proxyTask) = try await FaultProxy.start(upstream: source.server.base, schedule: [])
        do {
            // The reference: a pull that meets no fault.
            let reference = try await pull(into: clean, through: source.server.base, token: source.token)
            #expect(reference.objects == source.objects && reference.pages > 3)
            let expected = try await holdings(clean.store)
            #expect(!expected.isEmpty)

            // Transient faults, each retried: the pull completes in one go.
            proxy.setSchedule([.status(500), .pass, .truncate, .pass, .garbage, .status(503), .pass, .delay(20), .hangUp])
            // A generous timeout: the slow answer (20 s) must time out, real answers must not, even on a loaded machine.
            let survived = try await pull(into: faulty, through: proxyURL, token: source.token, attempts: 6, timeout: 10)
            #expect(survived.objects == source.objects)
            #expect(proxy.faults.filter { $0 != .pass }.count == 6, "every injected fault was met: \(proxy.faults)")
            #expect(try await holdings(faulty.store) == expected)

            // A partner that keeps failing: a clear error, whole pages kept, then a clean finish.
            let again = try await TestStore.make(backend, organization: "MX-FGR", country: "MX")
            proxy.setSchedule([.pass, .pass] + Array(repeating: .status(500), count: 4))
            let failure = await #expect(throws: TAXIIClient.Failure.self) {
                _ = try await pull(into: again, through: proxyURL, token: source.token)
            }
            #expect(failure?.description.contains("HTTP 500") == true && failure?.description.contains("gave up after 4 attempts") == true,
                    "\(String(describing: failure))")
            let partial = try await holdings(again.store)
            #expect(!partial.isEmpty && partial.count < expected.count, "the pages before the failure stay")
            let cursor = try #require(try await again.store.syncCursor(remote: proxyURL + "api1/", collectionID: "fgr"))
            #expect(cursor.addedLast != nil)
            // Truncated JSON at every attempt: the same.
            proxy.setSchedule(Array(repeating: .truncate, count: 4))
            let garbled = await #expect(throws: TAXIIClient.Failure.self) {
                _ = try await pull(into: again, through: proxyURL, token: source.token)
            }
            #expect(garbled?.description.contains("not valid JSON") == true, "\(String(describing: garbled))")
            #expect(try await holdings(again.store) == partial, "a failed page writes nothing")
            proxy.setSchedule([])
            let resumed = try await pull(into: again, through: proxyURL, token: source.token)
            #expect(resumed.objects < source.objects, "it resumed from its cursor, not from the start")
            #expect(try await holdings(again.store) == expected)

            // A partner that is down: a clear error at once after the retries.
            let down = await #expect(throws: TAXIIClient.Failure.self) {
                _ = try await pull(into: again, through: "http://127.0.0.1:1/", token: source.token, attempts: 2)
            }
            #expect(down?.description.contains("connection refused") == true || down?.description.contains("not reachable") == true,
                    "\(String(describing: down))")

            // Unauthorized is not retried.
            let refused = await #expect(throws: TAXIIClient.Failure.self) {
                _ = try await pull(into: again, through: source.server.base, token: "rst_nothing0_wrong")
            }
            #expect(refused?.description.contains("401") == true && refused?.transient == false)
            await again.dispose()
        } catch {
            proxyTask.cancel()
            await source.server.stop()
            await source.test.dispose(); await clean.dispose(); await faulty.dispose()
            throw error
        }
        proxyTask.cancel()
        _ = try? await proxyTask.value
        await source.server.stop()
        await source.test.dispose(); await clean.dispose(); await faulty.dispose()
    }
}
