import Foundation
import RastroModel
import Testing

@Suite struct ChemicalCatalogTests {
    let catalog = ChemicalCatalog.shipped

    @Test(arguments: [
        ("39742-60-4", "2017"), ("21409-26-7", "2017"), ("23056-29-3", "2022"), ("125541-22-2", "2022"),
        ("1609-66-1", "2022"), ("41661-47-6", "2024"), ("79099-07-3", "2024"),
    ])
    func fentanylPrecursorsAreTableIWithControlDates(cas: String, year: String) throws {
        let chemical = try #require(catalog.chemical(cas: cas))
        #expect(chemical.table == "I")
        #expect(chemical.fentanylPrecursor)
        #expect(chemical.controlledSince?.hasPrefix(year) == true)
        #expect(!chemical.nameES.isEmpty && !chemical.nameEN.isEmpty)
        #expect(!chemical.hsCodes.isEmpty)
    }

    @Test func coversBothConventionTables() {
        #expect(catalog.chemicals.filter { $0.table == "I" }.count >= 25)
        #expect(catalog.chemicals.filter { $0.table == "II" }.count >= 8)
        #expect(catalog.chemicals.contains { $0.table == nil })
    }

    @Test func namesResolveIgnoringCaseAccentsAndPunctuation() {
        #expect(catalog.chemical(named: "anhidrido acetico")?.cas == "108-24-7")
        #expect(catalog.chemical(named: "ANHÍDRIDO ACÉTICO")?.cas == "108-24-7")
        #expect(catalog.chemical(named: "Acetic anhydride")?.cas == "108-24-7")
        #expect(catalog.chemical(named: "NPP")?.cas == "39742-60-4")
        #expect(catalog.chemical(named: "no such chemical") == nil)
    }

    @Test func casWinsOverNameAndUnlistedIsNil() {
        #expect(catalog.resolve(cas: "41661-47-6", name: "piperidine")?.cas == "41661-47-6")
        #expect(catalog.resolve(cas: "50-00-0", name: "formaldehyde solution") == nil)
        #expect(catalog.resolve(cas: nil, name: "tolueno")?.cas == "108-88-3")
    }

    @Test func rejectsUnknownKeysBadCheckDigitsAndAmbiguousNames() {
        let entry = #"{"cas": "108-24-7", "name_en": "a", "name_es": "b", "synonyms": [], "hs_codes": [], "table": "I", "controlled_since": null, "fentanyl_precursor": false"#
        #expect(throws: ModelError.self) { try ChemicalCatalog(json: Data(#"{"chemicals": [\#(entry), "colour": "red"}]}"#.utf8)) }
        #expect(throws: ModelError.self) {
            try ChemicalCatalog(json: Data(#"{"chemicals": [\#(entry.replacingOccurrences(of: "108-24-7", with: "108-24-8"))}]}"#.utf8))
        }
        let second = entry.replacingOccurrences(of: "108-24-7", with: "67-64-1").replacingOccurrences(of: "\"b\"", with: "\"c\"")
        #expect(throws: ModelError.self) { try ChemicalCatalog(json: Data(#"{"chemicals": [\#(entry)}, \#(second)}]}"#.utf8)) }
        #expect(throws: Never.self) {
            try ChemicalCatalog(json: Data(#"{"chemicals": [\#(entry)}, \#(second.replacingOccurrences(of: "\"a\"", with: "\"d\""))}]}"#.utf8))
        }
    }

    @Test func countriesAreTheAssignedCodes() {
        #expect(Countries.shipped.all.count == 249)
        #expect(Countries.shipped.contains("MX") && Countries.shipped.contains("US"))
        #expect(!Countries.shipped.contains("XK") && !Countries.shipped.contains("ZZ"))
        #expect(Countries.shipped.country("mx")?.nameES == "México")
    }
}
