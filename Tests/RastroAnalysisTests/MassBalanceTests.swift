import RastroAnalysis
import RastroModel
import Testing

/// One licensed user's books and the records of its suppliers, built through `Record`.
private struct Books {
    var consignments: [Consignment] = []
    var transfers: [Transfer] = []
    var reports: [UsageReport] = []
    var parties: [Mention: String] = [:]

    static let cas = "110-63-4"

    static func record(_ kind: Kind, _ id: String, text: [String: String], numbers: [String: Double],
                       attributes: [Record.Attribute] = []) throws -> Record {
        let schema = kind.schema
        var values = [FieldValue](repeating: .null, count: schema.fields.count)
        func set(_ name: String, _ value: FieldValue) throws {
            let index = try #require(schema.index(of: name))
            values[index] = value
        }
        for (name, value) in text { try set(name, .text(value)) }
        for (name, value) in numbers { try set(name, .number(value)) }
        try set("chemical_cas", .text(cas))
        return Record(kind: kind, id: id, values: values, attributes: attributes, marking: Marking(tlp: .amber, originator: "MX-COFEPRIS"),
                      chemicalRef: cas, line: 1)
    }

    mutating func importLot(_ id: String, on date: String, kg: Double, by importer: String) throws {
        let record = try Self.record(.consignments, id, text: ["consignment_id": id, "arrival_date": date, "port_locode": "MXZLO",
                                                              "importer_name": importer], numbers: ["quantity_kg": kg])
        consignments.append(try Consignment(record))
        parties[Mention(kind: .consignments, id: id, role: .importer)] = importer
    }

    mutating func transfer(_ id: String, on date: String, kg: Double, from: String, to: String) throws {
        let record = try Self.record(.transfers, id, text: ["transfer_id": id, "date": date, "from_name": from, "to_name": to],
                                     numbers: ["quantity_kg": kg])
        transfers.append(try Transfer(record))
        parties[Mention(kind: .transfers, id: id, role: .from)] = from
        parties[Mention(kind: .transfers, id: id, role: .to)] = to
    }

    mutating func report(_ id: String, by party: String, _ start: String, _ end: String, received: Double, consumed: Double,
                         stockEnd: Double, filedOn: String? = nil) throws {
        let record = try Self.record(.usageReports, id, text: ["report_id": id, "org_name": party, "period_start": start, "period_end": end],
                                     numbers: ["received_kg": received, "consumed_kg": consumed, "stock_end_kg": stockEnd],
                                     attributes: filedOn.map { [Record.Attribute(name: "filed_on", value: $0)] } ?? [])
        reports.append(try UsageReport(record))
        parties[Mention(kind: .usageReports, id: id, role: .reporter)] = party
    }

    func rows(_ options: BalanceOptions = BalanceOptions()) -> [BalanceRow] {
        MassBalance.compute(consignments: consignments, transfers: transfers, usageReports: reports, entityOf: { parties[$0] }, options: options)
    }
}

private func ids(_ term: BalanceTerm) -> [String] { term.evidence.map(\.id) }
private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

@Suite struct MassBalanceTests {
    @Test func honestBooksBalance() throws {
        var books = Books()
        try books.importLot("C-1", on: "2026-01-15", kg: 1_000, by: "USER")
        try books.transfer("T-1", on: "2026-02-10", kg: 300, from: "USER", to: "SHOP")
        try books.report("UR-1", by: "USER", "2026-01-01", "2026-03-31", received: 1_000, consumed: 400, stockEnd: 300)
        let rows = books.rows()
        // SHOP files no report: it is not licensed and gets no row.
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.entityID == "USER" && row.chemical == Books.cas && row.reportID == "UR-1" && !row.missingReport)
        #expect(row.periodStart == "2026-01-01" && row.periodEnd == "2026-03-31")
        #expect(row.received.kg == 1_000 && ids(row.received) == ["C-1"] && row.received.evidence.first?.kind == "consignments")
        #expect(row.transferredOut.kg == 300 && ids(row.transferredOut) == ["T-1"])
        #expect(row.consumed.kg == 400 && ids(row.consumed) == ["UR-1"])
        #expect(row.declaredReceived == 1_000)
        #expect(close(row.gap, 0) && close(row.tolerance, 30) && !row.flagged)
    }

    @Test func aSixPercentLeakIsFlagged() throws {
        var books = Books()
        try books.transfer("T-1", on: "2026-01-10", kg: 500, from: "DIST", to: "USER")
        try books.transfer("T-2", on: "2026-02-10", kg: 500, from: "DIST", to: "USER")
        try books.report("UR-1", by: "USER", "2026-01-01", "2026-03-31", received: 1_000, consumed: 500, stockEnd: 440)
        let row = try #require(books.rows().first)
        #expect(close(row.gap, 60) && close(row.tolerance, 30) && row.flagged)
        #expect(ids(row.received) == ["T-1", "T-2"] && row.received.evidence.allSatisfy { $0.kind == "transfers" })
        #expect(ids(row.stockChange) == ["UR-1"])
    }

    @Test func noiseWithinToleranceIsNotFlagged() throws {
        var books = Books()
        try books.transfer("T-1", on: "2026-01-10", kg: 1_000, from: "DIST", to: "USER")
        try books.report("UR-1", by: "USER", "2026-01-01", "2026-03-31", received: 1_000, consumed: 500, stockEnd: 480)
        let row = try #require(books.rows().first)
        #expect(close(row.gap, 20) && !row.flagged)
        // The tolerance is the larger of the absolute one and the share of what was received.
        var options = BalanceOptions()
        options.absoluteToleranceKg = 25
        #expect(close(try #require(books.rows(options).first).tolerance, 30))
        options.absoluteToleranceKg = 50
        #expect(try #require(books.rows(options).first).tolerance == 50)
    }

    @Test func aMissingReportGivesAMissingReportRow() throws {
        var books = Books()
        try books.transfer("T-1", on: "2026-02-10", kg: 100, from: "DIST", to: "USER")
        try books.transfer("T-2", on: "2026-05-05", kg: 70, from: "DIST", to: "USER")
        try books.transfer("T-3", on: "2026-06-20", kg: 20, from: "USER", to: "SHOP")
        try books.report("UR-1", by: "USER", "2026-01-01", "2026-03-31", received: 100, consumed: 60, stockEnd: 40)
        let rows = books.rows()
        #expect(rows.map(\.reportID) == ["UR-1", nil])
        let missing = rows[1]
        #expect(missing.missingReport && !missing.flagged && missing.entityID == "USER")
        #expect(missing.periodStart == "2026-04-01" && missing.periodEnd == "2026-06-30")
        #expect(missing.received.kg == 70 && ids(missing.received) == ["T-2"])
        #expect(missing.transferredOut.kg == 20 && ids(missing.transferredOut) == ["T-3"])
        #expect(close(missing.gap, 50) && missing.declaredReceived == nil)
        // DIST files nothing, so it gets no row.
        #expect(!rows.contains { $0.entityID == "DIST" })
    }

    @Test func aReportAfterAMissingOneIsNotFlagged() throws {
        var books = Books()
        try books.transfer("T-1", on: "2026-02-10", kg: 100, from: "DIST", to: "USER")
        try books.transfer("T-2", on: "2026-05-05", kg: 100, from: "DIST", to: "USER")
        try books.transfer("T-3", on: "2026-08-05", kg: 100, from: "DIST", to: "USER")
        try books.report("UR-1", by: "USER", "2026-01-01", "2026-03-31", received: 100, consumed: 60, stockEnd: 40)
        try books.report("UR-3", by: "USER", "2026-07-01", "2026-09-30", received: 100, consumed: 150, stockEnd: 30)
        let row = try #require(books.rows().first { $0.reportID == "UR-3" })
        // The second quarter's consumption is unknown, so the opening stock is too.
        #expect(close(row.gap, -40) && !row.flagged)
        #expect(ids(row.stockChange) == ["UR-1", "UR-3"])
    }

    @Test func aLateReportStillBalances() throws {
        var books = Books()
        try books.transfer("T-1", on: "2026-03-30", kg: 200, from: "DIST", to: "USER")
        try books.report("UR-1", by: "USER", "2026-01-01", "2026-03-31", received: 200, consumed: 150, stockEnd: 50, filedOn: "2026-07-20")
        let row = try #require(books.rows().first)
        #expect(row.reportID == "UR-1" && close(row.gap, 0) && !row.flagged && !row.missingReport)
    }

    @Test func stockChangeUsesThePreviousReport() throws {
        var books = Books()
        try books.transfer("T-1", on: "2026-01-10", kg: 1_000, from: "DIST", to: "USER")
        try books.transfer("T-2", on: "2026-04-10", kg: 500, from: "DIST", to: "USER")
        // Filed out of order: the previous report is the one whose period ends before.
        try books.report("UR-2", by: "USER", "2026-04-01", "2026-06-30", received: 500, consumed: 600, stockEnd: 200)
        try books.report("UR-1", by: "USER", "2026-01-01", "2026-03-31", received: 1_000, consumed: 700, stockEnd: 300)
        let rows = books.rows()
        #expect(rows.map(\.reportID) == ["UR-1", "UR-2"])
        let second = rows[1]
        #expect(second.stockChange.kg == -100 && ids(second.stockChange) == ["UR-1", "UR-2"])
        #expect(close(second.gap, 0) && !second.flagged)
        // Another party's or another chemical's reports do not count.
        try books.report("UR-X", by: "OTHER", "2026-01-01", "2026-03-31", received: 0, consumed: 0, stockEnd: 999)
        #expect(books.rows().first { $0.reportID == "UR-2" }?.stockChange.kg == -100)
    }

    @Test func theFirstReportAssumesNoOpeningStock() throws {
        var books = Books()
        try books.transfer("T-1", on: "2026-01-10", kg: 1_000, from: "DIST", to: "USER")
        try books.report("UR-1", by: "USER", "2026-01-01", "2026-03-31", received: 1_000, consumed: 700, stockEnd: 300)
        let row = try #require(books.rows().first)
        #expect(row.stockChange.kg == 300 && ids(row.stockChange) == ["UR-1"])
        #expect(close(row.gap, 0) && !row.flagged)
    }
}
