import Foundation
import RastroModel
import Testing

/// The reasons' sentences: the same messages, with the same slots, in both languages, and slots
/// filled in the reader's language.
@Suite struct ReasonTemplatesTests {
    static func slots(_ template: String) -> Set<String> {
        var out: Set<String> = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    @Test func everyMessageHasBothLanguagesWithTheSameSlots() throws {
        let english = try #require(ReasonTemplates.messages["en"])
        let spanish = try #require(ReasonTemplates.messages["es"])
        #expect(Set(ReasonTemplates.messages.keys) == ["en", "es"])
        #expect(english.count >= 50)
        #expect(Set(english.keys) == Set(spanish.keys))
        for (key, template) in english {
            #expect(key.hasPrefix("reason."))
            #expect(!template.isEmpty && !(spanish[key] ?? "").isEmpty, "\(key)")
            #expect(Self.slots(template) == Self.slots(spanish[key] ?? ""), "\(key)")
            #expect(template != spanish[key], "\(key): not translated")
        }
    }

    @Test func slotsAreFilledInTheReadersLanguage() throws {
        let catalog = ChemicalCatalog.shipped
        let npp = try #require(catalog.chemical(cas: "39742-60-4"))
        let text = ReasonText("fentanyl_precursor", ["chemical": npp.reasonValue, "table": "I"])
        #expect(ReasonTemplates.render(text, language: "en") == "\(npp.nameEN) is a fentanyl precursor (UN 1988 Table I)")
        #expect(ReasonTemplates.render(text, language: "es").hasPrefix("\(npp.nameES) es un precursor del fentanilo"))
        // Another language reads English; a nested message is rendered in the same language.
        #expect(ReasonTemplates.render(text, language: "fr") == ReasonTemplates.render(text, language: "en"))
        let gap = ReasonText("route.gap.between", ["minutes": "95", "from": "(19.100, -103.200)", "to": "(19.300, -103.400)", "km": "30.1"])
        let dark = ReasonText("dark_and_late", ["detail": .phrase(gap)])
        #expect(ReasonTemplates.render(dark, language: "en")
            == "a trip carrying the lot lost its signal and arrived late: no position for 95 min between (19.100, -103.200) and (19.300, -103.400) (30.1 km apart)")
        #expect(ReasonTemplates.render(dark, language: "es")
            == "un viaje con el lote perdió la señal y llegó tarde: sin posición durante 95 min entre (19.100, -103.200) y (19.300, -103.400) (a 30.1 km)")
        // A slot without a value stays visible rather than vanishing; an unknown message shows its key.
        #expect(ReasonTemplates.render(ReasonText("transshipment"), language: "en").contains("{port}"))
        #expect(ReasonTemplates.render(ReasonText("no.such.message"), language: "es") == "no.such.message")
    }

    @Test func aReasonTextEncodesCompactlyAndReadsBack() throws {
        let gap = ReasonText("route.gap.between", ["minutes": "95", "km": "30.1"])
        let text = ReasonText("mislabelling.names", ["cas": "39742-60-4", "byCAS": .chemical(en: "NPP", es: "NPP (es)"),
                                                     "byName": .phrase(gap)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(text)
        #expect(String(decoding: data, as: UTF8.self) == #"{"key":"mislabelling.names","values":{"byCAS":{"en":"NPP","es":"NPP (es)"},"#
            + #""byName":{"key":"route.gap.between","values":{"km":"30.1","minutes":"95"}},"cas":"39742-60-4"}}"#)
        #expect(try JSONDecoder().decode(ReasonText.self, from: data) == text)
        // A phrase without values, and a reason stored before messages existed, read back too.
        let bare = ReasonText("link.phone")
        #expect(try JSONDecoder().decode(ReasonText.self, from: try encoder.encode(ReasonValue.phrase(bare))) == bare)
        let old = try JSONDecoder().decode(RiskReason.self, from: Data(#"{"rule":"pen_missing","contribution":1,"detail":"d","evidence":[]}"#.utf8))
        #expect(old.text == nil && old.detail == "d")
    }
}
