import Foundation
@testable import RastroServer
import RastroTesting
import Testing

/// The message catalog and the templates: every visible string is a message, in both languages.
@Suite("Workbench catalog")
struct WorkbenchCatalogTests {
    static let web = URL(fileURLWithPath: Fixtures.packageRoot).appendingPathComponent("Sources/RastroServer/Web")

    static func templates() throws -> [(String, String)] {
        let folder = web.appendingPathComponent("templates")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }.sorted().map {
            ($0, try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8))
        }
    }

    @Test("the catalog loads, with every key in both languages")
    func loads() throws {
        let catalog = try Catalog.load(directory: Self.web.appendingPathComponent("messages"))
        let english = Set(catalog.messages[.en]!.keys), spanish = Set(catalog.messages[.es]!.keys)
        #expect(english == spanish)
        #expect(english.count > 200)
        #expect(catalog.messages[.en]!.values.allSatisfy { !$0.isEmpty })
    }

    @Test("a key missing in one language, or defined twice, stops the catalog from loading")
    func rejects() throws {
        let folder = try Fixtures.folder(["a.json": #"{"en": {"x.one": "One", "x.two": "Two"}, "es": {"x.one": "Uno"}}"#,
                                          "b.json": #"{"en": {"x.one": "Again"}, "es": {"x.one": "Otra"}}"#])
        #expect(throws: Catalog.Problem.self) { try Catalog.load(directory: URL(fileURLWithPath: folder)) }
        do {
            _ = try Catalog.load(directory: URL(fileURLWithPath: folder))
        } catch let problem as Catalog.Problem {
            #expect(problem.description.contains("a.json: x.two: missing in es"))
            #expect(problem.description.contains("b.json: x.one: already defined in a.json"))
        }
    }

    @Test("templates name only messages that exist")
    func keysExist() throws {
        let catalog = try Catalog.load(directory: Self.web.appendingPathComponent("messages"))
        let table = catalog.table(.en)
        var missing: [String] = []
        for (name, text) in try Self.templates() {
            // Any `t.` name, dotted or not: a dot inside it would walk into the table and show nothing.
            let pattern = try NSRegularExpression(pattern: #"\{\{[#^/]?\s*t\.([A-Za-z0-9_.]+)\s*\}\}"#)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(match.range(at: 1), in: text)!])
                if table[key] == nil { missing.append("\(name): \(key)") }
            }
        }
        #expect(missing == [])
    }

    @Test("templates hold no visible text of their own: words come from the catalog")
    func noLiteralText() throws {
        var found: [String] = []
        for (name, text) in try Self.templates() {
            var stripped = text
            for pattern in [#"<script[^>]*>.*?</script>"#, #"<style[^>]*>.*?</style>"#, #"\{\{[^}]*\}\}"#, #"<[^>]*>"#,
                            // partials that are a tag's attributes
                            #"[A-Za-z-]+="[^"]*""#] {
                stripped = stripped.replacingOccurrences(of: pattern, with: " ", options: [.regularExpression])
            }
            let words = stripped.split(whereSeparator: \.isWhitespace).filter { token in token.contains { $0.isLetter } }
            if !words.isEmpty { found.append("\(name): \(words.prefix(5).joined(separator: " "))") }
        }
        #expect(found == [])
    }

    @Test("Accept-Language picks the language; Spanish when none is ours")
    func preferred() {
        #expect(Catalog.preferred("en-US,en;q=0.9") == .en)
        #expect(Catalog.preferred("fr-FR, es;q=0.8, en;q=0.5") == .es)
        #expect(Catalog.preferred("de") == .es)
        #expect(Catalog.preferred(nil) == .es)
    }
}
