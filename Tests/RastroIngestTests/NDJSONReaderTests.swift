@testable import RastroIngest
import RastroTesting
import Testing

@Suite struct NDJSONReaderTests {
    @Test func numbersAsStringsNullsListsAndGrowingHeader() throws {
        let path = try Fixtures.file("o.ndjson", """
            {"observation_id": "O-1", "lat": 20.5, "lon": "-103.25", "confidence": null}

            {"observation_id": "O-2", "flag": true, "tags": ["a", "b"], "lat": 1}
            not json
            [1, 2]
            """)
        var reader = try NDJSONReader(path: path)
        var row = RawRow()
        guard case .row(let grew) = try reader.next(into: &row) else { Issue.record("expected a row"); return }
        #expect(grew)
        #expect(row.line == 1)
        let header = reader.header
        #expect(row.string(header.firstIndex(of: "lat")!) == "20.5")
        #expect(row.string(header.firstIndex(of: "lon")!) == "-103.25")
        #expect(row.present[header.firstIndex(of: "confidence")!] == false)
        guard case .row = try reader.next(into: &row) else { Issue.record("expected a row"); return }
        #expect(row.line == 3)
        #expect(row.string(reader.header.firstIndex(of: "flag")!) == "true")
        #expect(row.string(reader.header.firstIndex(of: "tags")!) == "a;b")
        #expect(row.string(reader.header.firstIndex(of: "lat")!) == "1")
        guard case .invalid(let line, let reason) = try reader.next(into: &row) else { Issue.record("expected invalid"); return }
        #expect(line == 4 && reason == "not valid JSON")
        guard case .invalid(_, let second) = try reader.next(into: &row) else { Issue.record("expected invalid"); return }
        #expect(second == "not a JSON object")
        guard case .end = try reader.next(into: &row) else { Issue.record("expected the end"); return }
    }

    @Test func aFileThatIsNotNDJSONIsRefusedWhole() throws {
        let path = try Fixtures.file("o.ndjson", "observation_id,lat\nO-1,2\n")
        var reader = try NDJSONReader(path: path)
        var row = RawRow()
        #expect(throws: IngestError.self) { _ = try reader.next(into: &row) }
    }
}
