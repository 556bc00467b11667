import Foundation
import RastroIngest
import RastroModel
import RastroShare
import RastroStore
import RastroTesting
import Testing

/// What crosses to a partner, bad input, and leads that go out as reports and come back as notes.
@Suite struct STIXFederationTests {
    static func export(_ store: Store, _ viewer: Viewer) async throws -> [STIXObject] {
        var objects: [STIXObject] = []
        try await STIXExporter(store: store, viewer: viewer).export(batchSize: 50) { objects += $0 }
        return objects
    }

    @Test(arguments: TestBackend.all)
    func anExportForAnOrganizationHoldsOnlyWhatThePolicyReleasesToIt(_ backend: TestBackend) async throws {
        let node = try await TestStore.make(backend, organization: "MX-SAT", country: "MX")
        try await node.store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: node.settings.viewer)
        _ = try await Ingestor(store: node.store, settings: node.settings, options: IngestOptions()).run([try Fixtures.folder([
            "organizations.csv": """
                org_id,name,country,tax_id,representative,phone,tlp,releasable_to,originator
                ORG-RED,Red Co,MX,RED010101AA1,Secret Rep,555-RED,red,US-DEA,MX-SAT
                ORG-DEA,Named Co,MX,DEA010101AA1,Named Rep,555-DEA,amber,US-DEA,MX-SAT
                ORG-US,Country Co,MX,USC010101AA1,Country Rep,555-USC,amber,US,MX-SAT
                ORG-CO,Other Co,MX,COL010101AA1,Other Rep,555-COL,amber,CO,MX-SAT
                ORG-STRICT,Strict Co,MX,STR010101AA1,Strict Rep,555-STR,amber+strict,US,MX-SAT
                ORG-GREEN,Green Co,MX,GRN010101AA1,Green Rep,555-GRN,green,,MX-SAT
                """,
        ])])
        let partner = Viewer(organization: "US-DEA", country: "US")
        let objects = try await Self.export(node.store, partner)
        let text = objects.map(\.json).joined(separator: "\n")
        #expect(!text.contains(STIXVocabulary.markingID(.red) + "\"]"), "no object is marked RED")
        for hidden in ["ORG-RED", "Secret Rep", "ORG-CO", "Other Rep", "ORG-STRICT", "Strict Rep"] { #expect(!text.contains(hidden), "\(hidden)") }
        for shown in ["ORG-DEA", "Named Rep", "555-DEA", "ORG-US", "ORG-GREEN"] { #expect(text.contains(shown), "\(shown)") }
        // Released to its country only (or to everyone): personal fields withheld, and said so.
        for withheld in ["Country Rep", "555-USC", "Green Rep", "555-GRN"] { #expect(!text.contains(withheld), "\(withheld)") }
        let country = try #require(objects.first { $0.json.contains("\"x_rastro_id\":\"ORG-US\"") })
        #expect(country.json.contains("\"x_rastro_redacted\":[\"phone\",\"representative\"]"))
        // Every record object the partner gets is one it may see, by the marking it carries.
        for object in objects where object.json.contains("\"x_rastro_kind\":") {
            let properties = try #require(try JSONSerialization.jsonObject(with: Data(object.json.utf8)) as? [String: Any])
            let tlp = try #require((properties["object_marking_refs"] as? [String])?.compactMap(STIXVocabulary.tlp(ofMarking:)).first)
            let releasable = properties["x_rastro_releasable_to"] as? [String] ?? []
            let visible = tlp == .clear || tlp == .green || (tlp == .amber && (releasable.contains("US-DEA") || releasable.contains("US")))
                || (tlp == .amberStrict && releasable.contains("US-DEA"))
            #expect(visible, "\(object.id)")
        }
        let log = try await node.store.recentAuditEntries(limit: 1)
        #expect(log.first?.event.organization == "US-DEA" && log.first?.event.detail == "stix export")
        await node.dispose()
    }

    @Test(arguments: TestBackend.all)
    func badBundlesAreRefusedWithTheirPlaceAndWriteNothing(_ backend: TestBackend) async throws {
        let node = try await TestStore.make(backend, organization: "US-DEA", country: "US")
        let importer = STIXImporter(store: node.store, settings: node.settings, actor: "US-DEA")
        let good = STIXIdentifier.record("incident", originator: "MX-SAT", kind: .incidents, id: "INC-1")
        func object(_ id: String, _ fields: String) -> String {
            #"{"type":"incident","spec_version":"2.1","id":"\#(id)","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"x","x_rastro_kind":"incidents","x_rastro_originator":"MX-SAT","x_rastro_fields":\#(fields)}"#
        }
        let valid = object(good, #"{"incident_id":"INC-1","date":"2026-08-01","kind":"seizure"}"#)
        let cases: [(String, String)] = [
            ("garbage", "this is not json"),
            ("truncated", "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[\n" + valid + ",\n" + String(valid.prefix(60))),
            ("not a bundle", #"{"type":"report","id":"report--1"}"#),
            ("negative quantity", "{\"type\":\"bundle\",\"objects\":[\n" + valid + ",\n"
                + object(STIXIdentifier.record("incident", originator: "MX-SAT", kind: .incidents, id: "INC-2"),
                         #"{"incident_id":"INC-2","date":"2026-08-01","kind":"seizure","quantity_kg":-5}"#) + "\n]}"),
            ("forged id", "{\"type\":\"bundle\",\"objects\":[\n" + object("incident--6ba7b810-9dad-41d1-80b4-00c04fd430c8",
                                                                     #"{"incident_id":"INC-3","date":"2026-08-01","kind":"seizure"}"#) + "\n]}"),
        ]
        for (name, text) in cases {
            let path = try Fixtures.file("bundle.json", text)
            do {
                _ = try await importer.importBundles([path])
                Issue.record("\(name): accepted")
            } catch let error as ShareError {
                #expect(error.code == .stixInput, "\(name)")
                #expect(error.message.hasPrefix(path + ":"), "\(name): \(error.message)")
                switch name {
                case "truncated": #expect(error.message.contains(":3: column") && error.message.contains("truncated"))
                case "negative quantity": #expect(error.message.contains(path + ":3: quantity_kg:"))
                case "forged id": #expect(error.message.contains(":2: id:"))
                default: break
                }
            }
        }
        #expect(try await node.store.count(.incidents, viewer: Viewer(organization: "MX-SAT", country: "MX")) == 0)
        let report = try await importer.importObjects([Array(valid.utf8), Array(#"{"type":"x-unknown","spec_version":"2.1","id":"x-unknown--6ba7b810-9dad-41d1-80b4-00c04fd430c8"}"#.utf8)], source: "test")
        #expect(report.inserted == 1 && report.skipped["type x-unknown is not mapped to a contract kind"] == 1)
        await node.dispose()
    }

    @Test(arguments: TestBackend.all)
    func aLeadGoesOutAsAReportAndItsOutcomeComesBack(_ backend: TestBackend) async throws {
        let mexico = try await TestStore.make(backend, organization: "MX-SAT", country: "MX")
        let us = try await TestStore.make(backend, organization: "US-DEA", country: "US")
        try await mexico.store.addMember(Member(orgID: "US-DEA", country: "US", name: "DEA"), by: mexico.settings.viewer)
        _ = try await Ingestor(store: mexico.store, settings: mexico.settings, options: IngestOptions()).run([try Fixtures.folder([
            "incidents.csv": """
                incident_id,date,kind,tlp,releasable_to
                INC-SHARED,2026-08-01,seizure,amber,US-DEA
                INC-KEPT,2026-08-02,theft,red,
                """,
        ])])
        let desk = LeadDesk(store: mexico.store, viewer: mexico.settings.viewer)
        let reasons = [Lead.Reason(rule: "seizure_nearby", contribution: 1.2, detail: "a seizure", evidence: [.init(kind: "incidents", id: "INC-SHARED")]),
                       Lead.Reason(rule: "informant", contribution: 0.8, detail: "kept", evidence: [.init(kind: "incidents", id: "INC-KEPT")])]
        let lead = try await desk.create(subjectKind: "areas", subjectID: "A-1", title: "Look at this place", summary: "two reasons",
                                         score: 0.9, reasons: reasons)
        _ = try await desk.send(lead.leadID, to: "US-DEA")

        // Mexico → US: the lead arrives as a received lead with what US-DEA may see of it.
        let outgoing = try await Self.export(mexico.store, Viewer(organization: "US-DEA", country: "US"))
        let report = try #require(outgoing.first { $0.type == "report" })
        #expect(!report.json.contains("INC-KEPT") && report.json.contains("INC-SHARED"))
        let usImporter = STIXImporter(store: us.store, settings: us.settings, actor: "US-DEA")
        let arrived = try await usImporter.importObjects(outgoing.map { Array($0.json.utf8) }, source: "taxii:mx")
        #expect(arrived.leadsReceived == 1)
        #expect(try await usImporter.importObjects(outgoing.map { Array($0.json.utf8) }, source: "taxii:mx").leadsReceived == 0)
        let unit = LeadDesk(store: us.store, viewer: us.settings.viewer)
        let received = try #require(try await unit.list().first)
        #expect(received.leadID == lead.leadID && received.originOrg == "MX-SAT" && received.recipientOrg == "US-DEA" && received.status == .sent)
        #expect(received.score == nil, "the score rests on a reason US-DEA may not see")
        #expect(try await unit.view(lead.leadID).evidence == [.init(kind: "incidents", id: "INC-SHARED")])
        _ = try await unit.acknowledge(lead.leadID)
        _ = try await unit.decide(lead.leadID, accept: true, reason: "ours")
        _ = try await unit.recordOutcome(lead.leadID, .seizure, note: "120 kg")
        try await unit.note(lead.leadID, "private: the informant's name")

        // US → Mexico: the unit's steps come back as notes and close the lead at home.
        let back = try await Self.export(us.store, us.settings.viewer)
        let notes = back.filter { $0.type == "note" }
        #expect(notes.count == 3 && !notes.contains { $0.json.contains("informant") })
        let home = STIXImporter(store: mexico.store, settings: mexico.settings, actor: "MX-SAT")
        let applied = try await home.importObjects(back.map { Array($0.json.utf8) }, source: "taxii:us")
        #expect(applied.leadStepsApplied == 3)
        let closed = try #require(try await mexico.store.lead(lead.leadID, viewer: mexico.settings.viewer))
        #expect(closed.status == .closed && closed.outcome == .seizure)
        let history = try await mexico.store.leadEvents(lead.leadID, viewer: mexico.settings.viewer)
        #expect(history.filter { $0.orgID == "US-DEA" }.map(\.action) == ["ack", "accept", "outcome"])
        #expect(try await home.importObjects(back.map { Array($0.json.utf8) }, source: "taxii:us").leadStepsApplied == 0)
        await mexico.dispose()
        await us.dispose()
    }
}
