import Foundation
import RastroTesting
import Testing

/// The workbench's search page: accent- and typo-tolerant names, tax ids, CAS numbers and
/// chemical names, kind listings and CSV, all through the signed-in user's viewer.
@Suite(.serialized) struct WorkbenchSearchTests {
    @Test(arguments: TestBackend.all)
    func findsAccentedAndMisspelledNamesTaxIDsAndChemicals(_ backend: TestBackend) async throws {
        let world = try await WorkbenchWorld.make(backend)
        let ana = try await world.browser("ana")
        defer { Task { await world.stop() } }
        for query in ["quimica del pacifico", "Química", "quimca pacifco", "QPA980312AB0"] {
            let page = try await ana.get("/search?q=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            #expect(page.status == 200)
            #expect(page.body.contains("26-16-3420-6001103"), "\(query) finds Química del Pacífico's import")
            #expect(page.body.contains("C-RED-1"), "the node's analyst sees the node's RED record")
        }
        for query in ["67-56-1", "methanol", "Metanol", "metanl"] {
            let page = try await ana.get("/search?q=" + query + "&kind=consignments")
            #expect(page.body.contains("26-16-3420-6001102"), "\(query) finds the methanol import")
            #expect(!page.body.contains("26-16-3420-6001104"), "\(query) does not find the toluene import")
        }
        let none = try await ana.get("/search?q=zzyzx")
        #expect(none.body.contains("id=\"search-none\""))
        let listed = try await ana.get("/search?kind=consignments&sort=date")
        #expect(listed.status == 200)
        #expect(listed.body.contains("C-FORM-1") && listed.body.contains("26-16-3420-6001102"))
        let byID = try await ana.get("/search?q=26-16-3420-6001103")
        #expect(byID.body.contains("/records/consignments/26-16-3420-6001103"))
        let csv = try await ana.get("/search.csv?q=pinturas&kind=consignments")
        #expect(csv.status == 200)
        #expect(csv.headers["content-type"]?.first?.hasPrefix("text/csv") == true)
        #expect(csv.body.contains("\"'=HYPERLINK"), "a cell that starts with = is defused")
        #expect(!csv.body.contains(",\"=HYPERLINK"))
    }

    @Test(arguments: TestBackend.all)
    func anotherOrganizationNeverGetsRedOrUnreleasedRecords(_ backend: TestBackend) async throws {
        let world = try await WorkbenchWorld.make(backend)
        let tom = try await world.browser("tom")
        defer { Task { await world.stop() } }
        for query in ["quimica pacifico", "QPA980312AB0", "67-56-1", "C-RED-1", "26-16-3420-6001103"] {
            let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let page = try await tom.get("/search?q=" + encoded)
            #expect(page.status == 200)
            // (The query itself is echoed in the search field: look at the results' links.)
            #expect(!page.body.contains("/records/consignments/C-RED-1"), "\(query): a RED record of another organization")
            #expect(!page.body.contains("/records/consignments/26-16-3420-6001103"), "\(query): a record released to MX only")
            let csv = try await tom.get("/search.csv?q=" + encoded)
            #expect(!csv.body.contains("C-RED-1") && !csv.body.contains("26-16-3420-6001103"))
            #expect(!csv.body.contains("QPA980312AB0") || query != "C-RED-1")
        }
        let released = try await tom.get("/search?q=quimica+pacifico")
        #expect(released.body.contains("/records/consignments/C-US-1"), "the record released to US-DEA is found")
        let listed = try await tom.get("/search?kind=consignments")
        #expect(!listed.body.contains("C-RED-1") && !listed.body.contains("26-16-3420-6001102"))
        #expect(listed.body.contains("C-US-1"))
        let signedOut = world.signedOut()
        let anonymous = try await signedOut.get("/search?q=quimica")
        #expect(anonymous.status == 303, "search needs a session")
    }
}
