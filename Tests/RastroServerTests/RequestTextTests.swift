import Foundation
@testable import RastroServer
import Testing

/// The request parsing helpers against Foundation's functions they replaced, on the same inputs.
@Suite struct RequestTextTests {
    static let components = [
        "", "limit", "100", "a+b", "a%20b", "%2B", "match%5Btype%5D", "match[type]", "indicator,identity",
        "2026-01-01T00:00:00.000000Z", "2026-01-01T00%3A00%3A00Z", "100%", "%", "%2", "%zz", "%C3%A9", "caf%C3%A9+au+lait",
        "%FF", "%C3", "a+%zz", "%00", "%e2%82%ac", "++", "é", "a=b",
    ]

    @Test(arguments: components)
    func formDecodingAgreesWithFoundation(_ text: String) {
        let foundation = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text
        #expect(RequestText.formDecoded(Substring(text)) == foundation)
    }

    @Test func trimming() {
        #expect(RequestText.trimmed("  application/taxii+json \t") == "application/taxii+json")
        #expect(RequestText.trimmed(" \t ") == "")
        #expect(RequestText.trimmed("") == "")
        #expect(RequestText.trimmed("a b") == "a b")
        let text = "x, indicator ,y"
        #expect(text.split(separator: ",").map { String(RequestText.trimmed($0)) } == ["x", "indicator", "y"])
    }

    @Test func lowering() {
        #expect(RequestText.lowercasedASCII("Application/TAXII+JSON") == "application/taxii+json")
        #expect(RequestText.lowercasedASCII("Basic") == "basic")
        #expect(RequestText.lowercasedASCII("version=2.1") == "version=2.1")
        #expect(RequestText.lowercasedASCII("ÉTÉ") == "ÉtÉ")
    }

    @Test func acceptHeader() {
        #expect(TAXIIServer.acceptsTAXII("application/taxii+json;version=2.1"))
        #expect(TAXIIServer.acceptsTAXII("Application/TAXII+JSON ; Version=2.1"))
        #expect(TAXIIServer.acceptsTAXII("text/html, */*"))
        #expect(TAXIIServer.acceptsTAXII("application/taxii+json"))
        #expect(TAXIIServer.acceptsTAXII("application/json, application/*;q=0.5"))
        #expect(!TAXIIServer.acceptsTAXII("application/taxii+json;version=2.0"))
        #expect(!TAXIIServer.acceptsTAXII("text/html"))
        #expect(!TAXIIServer.acceptsTAXII(""))
    }
}
