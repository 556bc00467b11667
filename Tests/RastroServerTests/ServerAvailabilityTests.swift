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

    /// A request that cannot have a lock within the server's busy timeout (here the audit log's,
    /// which another process holds) is answered 503 with Retry-After and the TAXII error body, not
    /// 500, and without its data: a page is never answered without its audit entry. The next
    /// request, once the lock is free, is served and logged. (SQLite: PostgreSQL waits instead.)
    @Test func aLockHeldPastTheTimeoutIsA503WithRetryAfter() async throws {
        let fixture = try await Fixture.make(.sqlite, count: 10)
        var configuration = ServerConfiguration(port: 0)
        configuration.storeBusyTimeoutMilliseconds = 300
        let running = try await RunningServer.start(fixture.test.url, configuration: configuration)
        let other = try await Store.open(fixture.test.store.url)
        let page = running.base + "api1/collections/us-dea/objects/?limit=5"
        // The server's first logged request registers its read journal, which needs the lock.
        try await other.executeForTests("BEGIN")
        try await other.executeForTests("DELETE FROM audit.audit_log WHERE 0")
        let busy = try await request(page, token: fixture.token)
        try await other.executeForTests("ROLLBACK")
        #expect(busy.status == 503, "\(busy.text)")
        #expect(busy.headers["retry-after"] == "5")
        #expect(busy.json["http_status"] as? String == "503" && busy.json["title"] as? String == "The store is busy")
        #expect(busy.json["objects"] == nil)
        let served = try await request(page, token: fixture.token)
        #expect(served.status == 200 && (served.json["objects"] as? [Any])?.count == 5)
        let last = try #require(try await fixture.test.store.latestAuditEntry())
        #expect(last.event.action == "taxii.objects")
        #expect(try await fixture.test.store.verifyAudit().isIntact)
        await other.close()
        await running.stop()
        await fixture.test.dispose()
    }

    /// The workbench says the same in the reader's language: a page whose audit entry cannot be
    /// logged in time is a 503 page with Retry-After. On SQLite that happens only while the
    /// server's read journal is not yet registered (registering takes the audit file's lock, held
    /// here by another process); once it is, a record page is logged to the journal without any
    /// lock and served, and its entry joins the chain when the lock is free again.
    @Test func theWorkbenchShowsABusyPageWhenNothingCanBeLogged() async throws {
        let fixture = try await WorkbenchFixture.make(.sqlite)
        var configuration = ServerConfiguration(port: 0)
        configuration.storeBusyTimeoutMilliseconds = 300
        let running = try await RunningServer.start(fixture.test.url, configuration: configuration)
        let browser = WorkbenchClient(base: running.base, language: "es")
        let other = try await Store.open(fixture.test.store.url)
        try await other.executeForTests("BEGIN")
        try await other.executeForTests("DELETE FROM audit.audit_log WHERE 0")
        let busy = try await browser.signIn("ana", WorkbenchFixture.passwords["ana"]!)
        #expect(busy.status == 503)
        #expect(busy.header("Retry-After") == "5")
        #expect(busy.body.contains("El almacén está ocupado"), "\(busy.body.prefix(2_000))")
        try await other.executeForTests("ROLLBACK")

        #expect(try await browser.signIn("ana", WorkbenchFixture.passwords["ana"]!).status == 303)
        let path = "/records/consignments/" + WorkbenchFixture.released
        try await other.executeForTests("BEGIN")
        try await other.executeForTests("DELETE FROM audit.audit_log WHERE 0")
        let served = try await browser.get(path)
        #expect(served.status == 200 && served.body.contains("Quimica Released"))
        try await other.executeForTests("ROLLBACK")
        let last = try #require(try await fixture.test.store.latestAuditEntry())
        #expect(last.event.action == "read" && last.event.objects == ["consignments/" + WorkbenchFixture.released])
        #expect(try await fixture.test.store.verifyAudit().isIntact)
        await other.close()
        await running.stop()
        await fixture.test.dispose()
    }
}
