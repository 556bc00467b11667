import Foundation
import RastroModel
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// The workbench's party page: members with their records and markings, the evidence that joined
/// them, associations (page and graph JSON), and confirm/split decisions, through the viewer.
@Suite(.serialized) struct WorkbenchPartyTests {
    @Test(arguments: TestBackend.all)
    func showsMembersEvidenceAndDecisionForm(_ backend: TestBackend) async throws {
        let world = try await WorkbenchWorld.make(backend)
        let ana = try await world.browser("ana")
        defer { Task { await world.stop() } }
        let entity = try #require(try await world.importerEntity("26-16-3420-6001103"))
        let page = try await ana.get("/entities/" + entity)
        #expect(page.status == 200)
        #expect(page.body.contains("href=\"/records/consignments/26-16-3420-6001103\""))
        #expect(page.body.contains("C-RED-1"), "the node's analyst sees the node's RED member")
        #expect(page.body.contains("tlp-red"))
        #expect(page.body.contains("id=\"party-decision\""), "analysts of the node may decide")
        #expect(page.body.contains("QPA980312AB0"))
        let graph = try await ana.get("/entities/" + entity + "/graph.json")
        #expect(graph.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(graph.body.utf8)) as? [String: Any])
        let nodes = try #require(json["nodes"] as? [[String: Any]])
        #expect(nodes.first?["id"] as? String == entity)
        let missing = try await ana.get("/entities/E-9999999")
        #expect(missing.status == 404)
        let liaison = try await world.browser("lia")
        let seen = try await liaison.get("/entities/" + entity)
        #expect(seen.status == 200 && !seen.body.contains("id=\"party-decision\""), "a liaison does not decide")
    }

    @Test(arguments: TestBackend.all)
    func anotherOrganizationSeesOnlyMembersItMaySee(_ backend: TestBackend) async throws {
        let world = try await WorkbenchWorld.make(backend)
        let tom = try await world.browser("tom")
        defer { Task { await world.stop() } }
        let entity = try #require(try await world.importerEntity("C-US-1"))
        let page = try await tom.get("/entities/" + entity)
        #expect(page.status == 200)
        #expect(page.body.contains("/records/consignments/C-US-1"))
        for hidden in ["C-RED-1", "26-16-3420-6001103", "26-16-3420-6002215", "tlp-red"] {
            #expect(!page.body.contains(hidden), "\(hidden) is not shown to US-DEA")
        }
        #expect(!page.body.contains("id=\"party-decision\""), "another organization does not decide on the node's resolution")
        let graph = try await tom.get("/entities/" + entity + "/graph.json")
        #expect(graph.status == 200)
        #expect(!graph.body.contains("C-RED-1") && !graph.body.contains("26-16-3420-6001103"))
        // An entity with no member US-DEA may see does not exist for it.
        let us = Viewer(organization: "US-DEA", country: "US")
        var other: String?
        for row in try await world.test.store.entities(limit: 500) where other == nil {
            let members = try await world.test.store.entityMembers(row.entityID).map(\.0)
            if try await world.test.store.visible(members, viewer: us).isEmpty { other = row.entityID }
        }
        let hidden = try #require(other)
        #expect(try await tom.get("/entities/" + hidden).status == 404)
        #expect(try await tom.get("/entities/" + hidden + "/graph.json").status == 404)
        #expect(try await tom.get("/search?q=" + hidden).body.contains("/entities/" + hidden) == false)
    }

    @Test(arguments: TestBackend.all)
    func confirmAndSplitNeedTheTokenAndAreRecorded(_ backend: TestBackend) async throws {
        let world = try await WorkbenchWorld.make(backend)
        let ana = try await world.browser("ana")
        let tom = try await world.browser("tom")
        defer { Task { await world.stop() } }
        let entity = try #require(try await world.importerEntity("26-16-3420-6001103"))
        let page = try await ana.get("/entities/" + entity)
        let token = try #require(page.csrf)
        let pair = [("left", "consignments:26-16-3420-6001103:importer"), ("right", "consignments:C-US-1:importer"),
                    ("action", "split"), ("note", "two plants")]
        let forged = try await ana.post("/entities/\(entity)/decision", pair)
        #expect(forged.status == 403, "no token, no decision")
        #expect(try await world.test.store.decisions().isEmpty)
        let done = try await ana.post("/entities/\(entity)/decision", pair + [("_csrf", token)])
        #expect(done.status == 303)
        #expect(done.header("location")?.contains("decision=recorded") == true)
        let decisions = try await world.test.store.decisions()
        #expect(decisions.count == 1)
        #expect(decisions.first?.action == .split && decisions.first?.actor == "ana" && decisions.first?.note == "two plants")
        let again = try await ana.post("/entities/\(entity)/decision", pair + [("_csrf", token)])
        #expect(again.header("location")?.contains("decision=already") == true)
        let confirm = try await ana.post("/entities/\(entity)/decision",
                                         [("left", "consignments:26-16-3420-6001103:importer"), ("right", "consignments:C-US-1:importer"),
                                          ("action", "confirm"), ("_csrf", token)])
        #expect(confirm.header("location")?.contains("decision=recorded") == true)
        #expect(try await world.test.store.decisions().filter(\.isActive).map(\.action) == [.confirm], "the confirm revokes the split")
        let shown = try await ana.get(try #require(confirm.header("location")))
        #expect(shown.body.contains("id=\"decision-outcome\""))
        // Another organization's analyst may not decide on the node's resolution.
        let tomPage = try await tom.get("/search?q=x")
        let tomToken = try #require(tomPage.csrf)
        let refused = try await tom.post("/entities/\(entity)/decision", pair + [("_csrf", tomToken)])
        #expect(refused.status == 403)
        let entries = try await world.test.store.auditEntries()
        #expect(entries.contains { $0.event.action == "resolution.split" && $0.event.actor == "ana" })
    }
}
