import Foundation
import RastroModel
@testable import RastroServer
import RastroShare
@_spi(Testing) import RastroStore
import RastroTesting
import Synchronization
import Testing

/// Every page of marked data waits for its audit entry's commit, and nothing else: not for a
/// write of the server that is taking long (a partner's add-objects, a lead), nor for a load of
/// the database in another process.
@Suite struct ServerAvailabilityTests {
    /// Holds the server's write gate, as a long write of the server does, until `release`.
    final class Blocker: Sendable {
        private let waiting = Mutex<CheckedContinuation<Void, Never>?>(nil)
        private let released = Mutex(false)

        func hold() async {
            await withCheckedContinuation { continuation in
                let free = released.withLock { $0 }
                if free { continuation.resume() } else { waiting.withLock { $0 = continuation } }
            }
        }

        func release() {
            released.withLock { $0 = true }
            waiting.withLock { $0.take() }?.resume()
        }
    }

    @Test(arguments: TestBackend.all)
    func pagesDoNotWaitForTheServersWritesOrALoad(_ backend: TestBackend) async throws {
        let fixture = try await Fixture.make(backend, count: 10)
        let running = try await RunningServer.start(fixture.test.url)
        let other = try await Store.open(fixture.test.store.url)
        let blocker = Blocker()
        let gateHeld = Task { try await running.server.gate.run { await blocker.hold() } }
        // A load in another connection holds the database's write lock (on SQLite the file's).
        let load = try await other.beginLoad(actor: "test")
        do {
            let finished = Mutex(false)
            let page = Task {
                defer { finished.withLock { $0 = true } }
                let answer = try await request(running.base + "api1/collections/us-dea/objects/?limit=5", token: fixture.token)
                return (answer.status, (answer.json["objects"] as? [Any])?.count)
            }
            var answered = false
            for _ in 0..<200 where !answered {
                try await Task.sleep(for: .milliseconds(50))
                answered = finished.withLock { $0 }
            }
            #expect(answered, "the page was answered while the server's write gate was held and a load ran")
            blocker.release()
            await load.rollback()
            let (status, objects) = try await page.value
            #expect(status == 200 && objects == 5)
            _ = try await gateHeld.value
            let last = try #require(try await fixture.test.store.latestAuditEntry())
            #expect(last.event.action == "taxii.objects" && last.event.organization == "US-DEA", "\(last.event)")
            #expect(try await fixture.test.store.verifyAudit().isIntact)
        } catch {
            blocker.release()
            await load.rollback()
            throw error
        }
        await other.close()
        await running.stop()
        await fixture.test.dispose()
    }
}
