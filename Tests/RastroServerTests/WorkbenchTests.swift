import Foundation
import RastroIngest
import RastroModel
import RastroServer
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// The workbench's sign-in, sessions, CSRF and per-viewer pages, against a real server.
@Suite("Workbench", .serialized)
struct WorkbenchTests {
    func withServer(_ backend: TestBackend, _ body: (String, WorkbenchFixture) async throws -> Void) async throws {
        let fixture = try await WorkbenchFixture.make(backend)
        let running = try await RunningServer.start(fixture.test.url)
        do {
            try await body(running.base, fixture)
        } catch {
            await running.stop()
            await fixture.test.dispose()
            throw error
        }
        await running.stop()
        await fixture.test.dispose()
    }

    @Test("signing in, out, and pages without a session", arguments: TestBackend.all)
    func signIn(_ backend: TestBackend) async throws {
        try await withServer(backend) { base, _ in
            let browser = WorkbenchClient(base: base)
            let away = try await browser.get("/alerts?sort=score")
            #expect(away.status == 303)
            #expect(away.header("location") == "/login?next=/alerts%3Fsort%3Dscore")
            let wrong = try await browser.signIn("ana", "not-her-password")
            #expect(wrong.status == 401)
            #expect(wrong.body.contains(#"id="login-error""#))
            #expect(browser.cookies["rastro_session"] == nil)
            let right = try await browser.signIn("ana", WorkbenchFixture.passwords["ana"]!)
            #expect(right.status == 303)
            let session = try #require(browser.cookies["rastro_session"])
            #expect(session.count == 64)
            let overview = try await browser.get("/")
            #expect(overview.status == 200)
            #expect(overview.header("content-security-policy")?.contains("script-src 'self'") == true)
            #expect(overview.header("cache-control") == "no-store")
            // Signing out ends the session on the server, not only in the browser.
            let out = try await browser.post("/logout", [("_csrf", overview.csrf ?? "")])
            #expect(out.status == 303)
            browser.cookies["rastro_session"] = session
            let after = try await browser.get("/")
            #expect(after.status == 303)
            #expect(after.header("location")?.contains("expired=1") == true)
        }
    }

    @Test("a forged or missing CSRF token, or another origin, is refused", arguments: TestBackend.all)
    func csrf(_ backend: TestBackend) async throws {
        try await withServer(backend) { base, _ in
            let browser = WorkbenchClient(base: base)
            try await browser.signIn("ana", WorkbenchFixture.passwords["ana"]!)
            let page = try await browser.get("/")
            let token = try #require(page.csrf)
            var forged = token
            forged.replaceSubrange(forged.startIndex...forged.startIndex, with: token.first == "a" ? "b" : "a")
            #expect(try await browser.post("/logout", [("_csrf", forged)]).status == 403)
            #expect(try await browser.post("/logout", []).status == 403)
            #expect(try await browser.post("/logout", [("_csrf", token)], origin: "http://evil.example").status == 403)
            // The session survived every refusal.
            #expect(try await browser.get("/").status == 200)
            // The sign-in form has its own token.
            let other = WorkbenchClient(base: base)
            #expect(try await other.post("/login", [("_csrf", "x"), ("user", "ana"), ("password", WorkbenchFixture.passwords["ana"]!)]).status == 403)
        }
    }

    @Test("five failures lock a user, even with the right password afterwards", arguments: TestBackend.all)
    func lockout(_ backend: TestBackend) async throws {
        try await withServer(backend) { base, fixture in
            let browser = WorkbenchClient(base: base)
            var statuses: [Int] = []
            for _ in 1...5 { statuses.append(try await browser.signIn("tom", "guess").status) }
            #expect(statuses == [401, 401, 401, 401, 429])
            let right = try await browser.signIn("tom", WorkbenchFixture.passwords["tom"]!)
            #expect(right.status == 429)
            #expect(browser.cookies["rastro_session"] == nil)
            // Another user is not locked, and every failure is in the audit log.
            #expect(try await browser.signIn("ana", WorkbenchFixture.passwords["ana"]!).status == 303)
            let failures = try await fixture.test.store.recentAuditEntries(limit: 100).filter { $0.event.action == "login-failed" }
            #expect(failures.count == 5)
        }
    }

    @Test("every page reads as its viewer: a US liaison never gets Mexico-only or RED records", arguments: TestBackend.all)
    func viewerPages(_ backend: TestBackend) async throws {
        try await withServer(backend) { base, _ in
            let tom = WorkbenchClient(base: base)
            try await tom.signIn("tom", WorkbenchFixture.passwords["tom"]!)
            #expect(try await tom.get("/records/consignments/" + WorkbenchFixture.released).status == 200)
            for hidden in [WorkbenchFixture.mexicoOnly, WorkbenchFixture.red] {
                let page = try await tom.get("/records/consignments/" + hidden)
                #expect(page.status == 404)
                #expect(!page.body.contains(hidden))
                #expect(try await tom.get("/consignments/" + hidden).status == 404)
            }
            let overview = try await tom.get("/")
            #expect(overview.body.contains(#"href="/search?kind=consignments"><span class="n" translate="no">1</span>"#))
            for text in ["Importadora Solo Mexico", "Secreto Rojo", WorkbenchFixture.mexicoOnly, WorkbenchFixture.red] {
                #expect(!overview.body.contains(text))
            }
            #expect(try await tom.get("/audit").status == 403)
            let ana = WorkbenchClient(base: base)
            try await ana.signIn("ana", WorkbenchFixture.passwords["ana"]!)
            let red = try await ana.get("/records/consignments/" + WorkbenchFixture.red)
            #expect(red.status == 200)
            #expect(red.body.contains("TLP:RED"))
            #expect(red.body.contains("tlp-red"))
            let anaOverview = try await ana.get("/")
            #expect(anaOverview.body.contains(#"href="/search?kind=consignments"><span class="n" translate="no">3</span>"#))
        }
    }

    @Test("the language follows the browser, then the switch; numbers and dates follow the language", arguments: [TestBackend.sqlite])
    func language(_ backend: TestBackend) async throws {
        try await withServer(backend) { base, _ in
            let browser = WorkbenchClient(base: base)
            try await browser.signIn("ana", WorkbenchFixture.passwords["ana"]!)
            let spanish = try await browser.get("/records/consignments/" + WorkbenchFixture.released)
            #expect(spanish.body.contains(#"<html lang="es">"#))
            #expect(spanish.body.contains("Originador"))
            let switched = try await browser.get("/language/en?back=/records/consignments/" + WorkbenchFixture.released)
            #expect(switched.status == 303)
            #expect(switched.header("location") == "/records/consignments/" + WorkbenchFixture.released)
            let english = try await browser.get("/records/consignments/" + WorkbenchFixture.released)
            #expect(english.body.contains(#"<html lang="en">"#))
            #expect(english.body.contains("Originator"))
            #expect(!english.body.contains("Originador"))
            // A switch never sends the browser to another site.
            #expect(try await browser.get("/language/es?back=//evil.example/").header("location") == "/")
        }
    }

    @Test("concurrent sign-ins, pages and writes never nest transactions on the write connection", arguments: TestBackend.all)
    func concurrentWrites(_ backend: TestBackend) async throws {
        try await withServer(backend) { base, fixture in
            // Right after the start, while the server warms its census and search index.
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let browser = WorkbenchClient(base: base)
                        let user = index % 2 == 0 ? "ana" : "root"
                        var seen = [try await browser.signIn(user, WorkbenchFixture.passwords[user]!).status]
                        let page = try await browser.get("/")
                        seen.append(page.status)
                        seen.append(try await browser.get("/search?q=quimica").status)
                        seen.append(try await browser.post("/logout", [("_csrf", page.csrf ?? "")]).status)
                        return seen
                    }
                }
                var all: [Int] = []
                for try await seen in group { all += seen }
                return all
            }
            #expect(statuses.count == 32)
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 303 }, "\(statuses)")
            let logins = try await fixture.test.store.recentAuditEntries(limit: 500).filter { $0.event.action == "login" }
            #expect(logins.count == 8)
        }
    }

    @Test("a load that re-marks an input hides, from then on, the results derived from it", arguments: TestBackend.all)
    func remarkedInput(_ backend: TestBackend) async throws {
        try await withServer(backend) { base, fixture in
            // An analysis whose one alert rests on the consignment released to US-DEA.
            let released = WorkbenchFixture.released
            let assessment = #"{"kind":"consignments","id":"\#(released)","name":"Quimica Released","risk":0.93,"date":"2026-03-02","#
                + #""reasons":[{"rule":"unaccounted_quantity","contribution":2.5,"detail":"500 kg not accounted for","#
                + #""evidence":[{"kind":"consignments","id":"\#(released)"}]}]}"#
            try await fixture.test.store.writeAnalysis(AnalysisRun(
                runID: "run-remark", startedAt: "2026-05-01T00:00:00Z", finishedAt: "2026-05-01T00:00:05Z", actor: "test", summary: "{}",
                findings: #"{"consignments":[{"consignment_id":"\#(released)","risk":0.93,"flags":["unaccounted_quantity"]}]}"#,
                alerts: "[" + assessment + "]", detail: #"{"consignments":["# + assessment + #"],"entities":[],"areas":[]}"#))
            let tom = WorkbenchClient(base: base)
            try await tom.signIn("tom", WorkbenchFixture.passwords["tom"]!)
            let before = try await tom.get("/alerts")
            #expect(before.status == 200)
            #expect(before.body.contains(released), "the liaison sees the alert on the consignment released to it")
            #expect(try await tom.get("/alerts").body.contains(released), "and again from the kept view")

            // Its originator re-marks the consignment for Mexico only; no analysis runs after.
            let header = "consignment_id,arrival_date,port_locode,chemical_cas,quantity_kg,importer_name,originator,tlp,releasable_to"
            let folder = try Fixtures.folder(["consignments.csv": """
                \(header)
                \(released),2026-03-02,MXZLO,41661-47-6,500,Quimica Released SA de CV,MX-ANAM,amber,MX

                """])
            _ = try await Ingestor(store: fixture.test.store, settings: fixture.test.settings, options: IngestOptions()).run([folder])
            let after = try await tom.get("/alerts")
            #expect(after.status == 200)
            #expect(!after.body.contains(released), "the alert rests on an input the liaison may no longer see")
            let ana = WorkbenchClient(base: base)
            try await ana.signIn("ana", WorkbenchFixture.passwords["ana"]!)
            #expect(try await ana.get("/alerts").body.contains(released), "the node's analysts still see it")
        }
    }

    @Test("the audit page verifies the chain for admins", arguments: TestBackend.all)
    func audit(_ backend: TestBackend) async throws {
        try await withServer(backend) { base, _ in
            let root = WorkbenchClient(base: base)
            try await root.signIn("root", WorkbenchFixture.passwords["root"]!)
            let page = try await root.get("/audit?verify=1")
            #expect(page.status == 200)
            #expect(page.body.contains(#"id="audit-verify" class="ok""#))
            let logins = try await root.get("/audit?action=login")
            #expect(logins.body.contains(#"<td translate="no">root</td>"#))
        }
    }
}

/// The marking census behind the overview's counts.
@Suite("Marking census")
struct MarkingCensusTests {
    @Test("census counts equal a scan's for every viewer, and follow a new load", arguments: TestBackend.all)
    func census(_ backend: TestBackend) async throws {
        let fixture = try await WorkbenchFixture.make(backend)
        let store = fixture.test.store
        let viewers = [fixture.test.settings.viewer, Viewer(organization: "US-DEA", country: "US"), Viewer(organization: "CO-DIJIN", country: "CO"),
                       Viewer(organization: "MX-ANAM", country: "MX")]
        #expect(try await store.freshCensusStats(viewer: fixture.test.settings.viewer) == nil)
        #expect(try await store.refreshMarkingCensus())
        #expect(try await !store.refreshMarkingCensus())
        for viewer in viewers {
            let scanned = try await store.scanStats(viewer: viewer)
            #expect(try await store.censusStats(viewer: viewer) == scanned)
            #expect(try await store.freshCensusStats(viewer: viewer) == scanned)
            #expect(try await store.stats(viewer: viewer) == scanned)
        }
        // A new version of the released consignment, now for Mexico only, and one more record.
        let folder = try Fixtures.folder(["consignments.csv": """
            consignment_id,arrival_date,port_locode,chemical_cas,quantity_kg,importer_name,originator,tlp,releasable_to
            \(WorkbenchFixture.released),2026-03-02,MXZLO,41661-47-6,510,Quimica Released SA de CV,MX-ANAM,amber,MX
            C-26-0000004,2026-05-02,MXZLO,67-64-1,900,Acetona del Norte,MX-ANAM,green,

            """])
        _ = try await Ingestor(store: store, settings: fixture.test.settings, options: IngestOptions()).run([folder])
        // Stale until rebuilt: `stats` scans meanwhile.
        #expect(try await store.markingCensusIsStale())
        for viewer in viewers {
            #expect(try await store.freshCensusStats(viewer: viewer) == nil)
            #expect(try await store.stats(viewer: viewer) == store.scanStats(viewer: viewer))
        }
        #expect(try await store.refreshMarkingCensus())
        for viewer in viewers {
            let scanned = try await store.scanStats(viewer: viewer)
            #expect(try await store.censusStats(viewer: viewer) == scanned)
            #expect(try await store.freshCensusStats(viewer: viewer) == scanned)
        }
        let us = try await store.censusStats(viewer: Viewer(organization: "US-DEA", country: "US")).filter { $0.kind == .consignments }
        #expect(us.map(\.records).reduce(0, +) == 1)
        await fixture.test.dispose()
    }
}

/// The overview's chart of controlled-chemical imports per month, kept per organization's view
/// until the next load.
@Suite("Overview chart")
struct OverviewChartTests {
    @Test("a new load shows in the chart at once, for the viewers that may see it", arguments: TestBackend.all)
    func chartFollowsLoads(_ backend: TestBackend) async throws {
        let world = try await WorkbenchWorld.make(backend)
        defer { Task { await world.stop() } }
        let ana = try await world.browser("ana"), tom = try await world.browser("tom")
        // Twice each: the second answer comes from what the first kept.
        for _ in 0..<2 {
            #expect(try await !ana.get("/").body.contains("2026-11: "))
            #expect(try await !tom.get("/").body.contains("2026-11: "))
        }
        let header = WorkbenchWorld.extra.split(separator: "\n").first.map(String.init) ?? ""
        let row = "C-NOV-1,2026-11-02,MXZLO,108-24-7,Anhídrido acético,500,Importadora Nueva,INU010101AA1,\"Calle 2, Manzanillo\","
            + "Exporter Inc.,US,USHOU,2915.24.01,BLNOV1,9473121,NOVU0000001,Solvente,,MX-FUSION,amber,,MX"
        _ = try await Ingestor(store: world.test.store, settings: world.test.settings, options: IngestOptions())
            .run([try Fixtures.folder(["consignments.csv": header + "\n" + row + "\n"])])
        #expect(try await ana.get("/").body.contains("2026-11: 1 / 0"))
        // Released to MX only: the US liaison's chart does not count it.
        #expect(try await !tom.get("/").body.contains("2026-11: "))
    }
}
