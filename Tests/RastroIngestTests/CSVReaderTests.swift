@testable import RastroIngest
import RastroTesting
import Testing

@Suite struct CSVReaderTests {
    /// Reads a whole file into rows of strings with their line numbers.
    func read(_ content: [UInt8], maxRecordBytes: Int = 1 << 20) throws -> [(line: Int, cells: [String])] {
        let path = try Fixtures.file("t.csv", bytes: content)
        var reader = try CSVReader(path: path, maxRecordBytes: maxRecordBytes)
        var row = RawRow()
        var rows: [(Int, [String])] = []
        while try reader.next(into: &row) { rows.append((row.line, (0..<row.count).map { row.string($0) })) }
        return rows
    }

    func read(_ text: String) throws -> [(line: Int, cells: [String])] { try read(Array(text.utf8)) }

    @Test func quotedFieldsHoldCommasQuotesAndNewlines() throws {
        let rows = try read("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\"\nplain,,end\n")
        #expect(rows.map(\.cells) == [["a", "b", "c"], ["x, y", "say \"hi\"", "line1\nline2"], ["plain", "", "end"]])
        #expect(rows.map(\.line) == [1, 2, 4])
    }

    @Test func bomCRLFAndBlankLines() throws {
        let rows = try read([0xEF, 0xBB, 0xBF] + Array("id,name\r\n1,Química\r\n\r\n2,\"B\r\nC\"\r\n".utf8))
        #expect(rows.map(\.cells) == [["id", "name"], ["1", "Química"], ["2", "B\r\nC"]])
        #expect(rows.map(\.line) == [1, 2, 4])
    }

    @Test func lastLineWithoutNewlineAndTrailingEmptyCell() throws {
        #expect(try read("a,b\n1,").map(\.cells) == [["a", "b"], ["1", ""]])
        #expect(try read("a,b\n\"1\",\"2\"").map(\.cells) == [["a", "b"], ["1", "2"]])
    }

    @Test func recordsSpanningTheReadBufferAreWhole() throws {
        let long = String(repeating: "é", count: 450_000)
        let rows = try read("a,b\n\"\(String(repeating: "x", count: 600_000))\",y\n\"\(long)\",x\n1,2\n")
        #expect(rows.count == 4)
        #expect(rows[2].cells == [long, "x"])
        #expect(rows[3].cells == ["1", "2"])
    }

    @Test func unterminatedQuoteIsAnError() throws {
        #expect(throws: IngestError.self) { try read("a,b\n\"open,1\n2,3\n") }
    }

    @Test func junkAfterAClosingQuoteIsAnError() throws {
        let error = try #require(throws: IngestError.self) { try read("a,b\n\"x\"y,1\n") }
        #expect(error.description.contains(":2: unexpected character after a closing quote"))
    }

    @Test func aRecordLongerThanTheLimitIsAnErrorNotACrash() throws {
        let error = try #require(throws: IngestError.self) {
            try read(Array(repeating: UInt8(ascii: "x"), count: 300_000), maxRecordBytes: 100_000)
        }
        #expect(error.reason.contains("longer than 100000 bytes"))
    }

    @Test func binaryContentIsRefused() throws {
        let error = try #require(throws: IngestError.self) { try read([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0xFF, 0x10]) }
        #expect(error.reason.contains("binary"))
    }
}
