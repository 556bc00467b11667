import RastroAnalysis
import RastroModel
import Testing

/// A small world of imports and sales, built through `Record` as ingest builds it.
private struct CustodyWorld {
    var consignments: [Consignment] = []
    var transfers: [Transfer] = []
    var reports: [UsageReport] = []
    var parties: [Mention: String] = [:]

    static let pmk = "28578-16-7"
    static let safrole = "94-59-7"

    static func record(_ kind: Kind, _ id: String, text: [String: String], numbers: [String: Double], cas: String) throws -> Record {
        let schema = kind.schema
        var values = [FieldValue](repeating: .null, count: schema.fields.count)
        func set(_ name: String, _ value: FieldValue) throws {
            let index = try #require(schema.index(of: name))
            values[index] = value
        }
        for (name, value) in text { try set(name, .text(value)) }
        for (name, value) in numbers { try set(name, .number(value)) }
        try set("chemical_cas", .text(cas))
        return Record(kind: kind, id: id, values: values, marking: Marking(tlp: .amber, originator: "MX-ANAM"), chemicalRef: cas, line: 1)
    }

    mutating func importLot(_ id: String, on date: String, kg: Double, by importer: String = "IMP", cas: String = pmk) throws {
        let record = try Self.record(.consignments, id, text: ["consignment_id": id, "arrival_date": date, "port_locode": "MXZLO",
                                                              "importer_name": importer],
                                     numbers: ["quantity_kg": kg], cas: cas)
        consignments.append(try Consignment(record))
        parties[Mention(kind: .consignments, id: id, role: .importer)] = importer
    }

    mutating func sell(_ id: String, on date: String, kg: Double, from: String, to: String, lot: String? = nil, cas: String = pmk) throws {
        var text = ["transfer_id": id, "date": date, "from_name": from, "to_name": to]
        text["consignment_id"] = lot
        transfers.append(try Transfer(try Self.record(.transfers, id, text: text, numbers: ["quantity_kg": kg], cas: cas)))
        parties[Mention(kind: .transfers, id: id, role: .from)] = from
        parties[Mention(kind: .transfers, id: id, role: .to)] = to
    }

    mutating func report(_ id: String, by party: String, cas: String = pmk) throws {
        let record = try Self.record(.usageReports, id, text: ["report_id": id, "org_name": party, "period_start": "2026-01-01",
                                                              "period_end": "2026-03-31"],
                                     numbers: ["received_kg": 0, "consumed_kg": 0, "stock_end_kg": 0], cas: cas)
        reports.append(try UsageReport(record))
        parties[Mention(kind: .usageReports, id: id, role: .reporter)] = party
    }

    func graph() -> CustodyGraph {
        CustodyGraph.build(consignments: consignments, transfers: transfers, usageReports: reports, entityOf: { parties[$0] })
    }
}

private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

@Suite struct CustodyTests {
    @Test func unnamedSalesDrawTheOlderLotFirst() throws {
        var world = CustodyWorld()
        try world.importLot("C-OLD", on: "2026-01-10", kg: 100)
        try world.importLot("C-NEW", on: "2026-02-10", kg: 100)
        try world.importLot("C-OTHER", on: "2026-01-01", kg: 500, cas: CustodyWorld.safrole)
        try world.sell("T-1", on: "2026-03-01", kg: 60, from: "IMP", to: "DIST")
        try world.sell("T-2", on: "2026-03-05", kg: 80, from: "IMP", to: "LAB")
        let graph = world.graph()

        let old = try #require(graph.trace("C-OLD"))
        #expect(old.importer == "IMP" && old.chemical == CustodyWorld.pmk && old.importedKg == 100)
        #expect(old.steps.map(\.transferID) == ["T-1", "T-2"])
        #expect(old.steps.map(\.quantityKg) == [60, 40])
        #expect(old.steps.map(\.transferKg) == [60, 80])
        #expect(old.steps.allSatisfy { $0.allocation == .fifo && $0.depth == 1 && $0.fromEntity == "IMP" })
        #expect(old.holdings == ["DIST": 60, "LAB": 40])

        let new = try #require(graph.trace("C-NEW"))
        #expect(new.steps.map(\.transferID) == ["T-2"])
        #expect(new.steps.first?.quantityKg == 40)
        #expect(new.holdings == ["IMP": 60, "LAB": 40])

        // A lot of another chemical is never drawn, however old.
        let other = try #require(graph.trace("C-OTHER"))
        #expect(other.steps.isEmpty && other.holdings == ["IMP": 500])
    }

    @Test func aNamedSaleTakesItsLotEvenWhenAnOlderOneIsHeld() throws {
        var world = CustodyWorld()
        try world.importLot("C-OLD", on: "2026-01-10", kg: 100)
        try world.importLot("C-NEW", on: "2026-02-10", kg: 100)
        try world.sell("T-1", on: "2026-03-01", kg: 50, from: "IMP", to: "DIST", lot: "C-NEW")
        let graph = world.graph()

        let new = try #require(graph.trace("C-NEW"))
        #expect(new.steps.count == 1)
        #expect(new.steps.first?.allocation == .exact && new.steps.first?.quantityKg == 50 && new.steps.first?.depth == 1)
        #expect(new.holdings == ["IMP": 50, "DIST": 50])
        let old = try #require(graph.trace("C-OLD"))
        #expect(old.steps.isEmpty && old.holdings == ["IMP": 100])
    }

    /// Stock that a later sale names is still there when that sale comes: an unnamed sale before
    /// it draws the sender's other lots first, and the reserved stock only when nothing else is left.
    @Test func anUnnamedSaleLeavesWhatALaterNamedSaleTakes() throws {
        var world = CustodyWorld()
        try world.importLot("C-OLD", on: "2026-01-10", kg: 100)
        try world.importLot("C-NEW", on: "2026-02-10", kg: 100)
        try world.sell("T-1", on: "2026-03-01", kg: 70, from: "IMP", to: "LAB")            // names none
        try world.sell("T-2", on: "2026-03-05", kg: 80, from: "IMP", to: "DIST", lot: "C-OLD")
        try world.sell("T-3", on: "2026-03-09", kg: 40, from: "IMP", to: "SHOP")           // names none
        let graph = world.graph()

        // T-1: C-OLD's 20 kg that T-2 does not need, then 50 kg of C-NEW.
        let old = try #require(graph.trace("C-OLD"))
        #expect(old.steps.map(\.transferID) == ["T-1", "T-2"])
        #expect(old.steps.map(\.quantityKg) == [20, 80])
        #expect(old.steps.map(\.allocation) == [.fifo, .exact])
        #expect(old.holdings == ["LAB": 20, "DIST": 80])
        let new = try #require(graph.trace("C-NEW"))
        #expect(new.steps.map(\.transferID) == ["T-1", "T-3"])
        #expect(new.steps.map(\.quantityKg) == [50, 40])
        #expect(new.holdings == ["LAB": 50, "SHOP": 40, "IMP": 10])

        // When the unreserved stock is not enough, the reserved stock goes, oldest first: the
        // named sale then finds less than it names, as before.
        var short = CustodyWorld()
        try short.importLot("C-OLD", on: "2026-01-10", kg: 100)
        try short.importLot("C-NEW", on: "2026-02-10", kg: 50)
        try short.sell("T-1", on: "2026-03-01", kg: 90, from: "IMP", to: "LAB")
        try short.sell("T-2", on: "2026-03-05", kg: 80, from: "IMP", to: "DIST", lot: "C-OLD")
        let shortGraph = short.graph()
        let shortOld = try #require(shortGraph.trace("C-OLD"))
        #expect(shortOld.steps.map(\.quantityKg) == [40, 60])
        #expect(shortOld.holdings == ["LAB": 40, "DIST": 60])
        #expect(try #require(shortGraph.trace("C-NEW")).holdings == ["LAB": 50])
    }

    /// Unnamed sales that add up exactly to what is left of one lot are that lot's, whatever
    /// first-in-first-out would say; the match is made when the lot arrives.
    @Test func unnamedSalesThatAddUpToALotAreThatLot() throws {
        var world = CustodyWorld()
        try world.importLot("C-OLD", on: "2026-01-10", kg: 100)
        try world.importLot("C-NEW", on: "2026-02-10", kg: 90)
        try world.sell("T-1", on: "2026-02-15", kg: 36.5, from: "IMP", to: "DIST")
        try world.sell("T-2", on: "2026-02-20", kg: 20, from: "IMP", to: "LAB")
        try world.sell("T-3", on: "2026-03-01", kg: 53.5, from: "IMP", to: "SHOP")
        let graph = world.graph()

        // 36.5 + 53.5 = 90 is the only set that makes C-NEW; nothing makes C-OLD's 100.
        let new = try #require(graph.trace("C-NEW"))
        #expect(new.steps.map(\.transferID) == ["T-1", "T-3"])
        #expect(new.steps.map(\.allocation) == [.matched, .matched])
        #expect(new.holdings == ["DIST": 36.5, "SHOP": 53.5])
        // T-2 is drawn first-in-first-out from what no match holds: C-OLD.
        let old = try #require(graph.trace("C-OLD"))
        #expect(old.steps.map(\.transferID) == ["T-2"] && old.steps.map(\.allocation) == [.fifo])
        #expect(old.holdings == ["LAB": 20, "IMP": 80])

        // The buyer's own unnamed resales that add up to what it received follow the lot on.
        try world.sell("T-4", on: "2026-03-10", kg: 12, from: "SHOP", to: "USER-1")
        try world.sell("T-5", on: "2026-03-20", kg: 41.5, from: "SHOP", to: "USER-2")
        let deeper = try #require(world.graph().trace("C-NEW"))
        #expect(deeper.steps.map(\.transferID) == ["T-1", "T-3", "T-4", "T-5"])
        #expect(deeper.steps.map(\.allocation) == [.matched, .matched, .matched, .matched])
        #expect(deeper.steps.map(\.depth) == [1, 1, 2, 2])
        #expect(deeper.holdings == ["DIST": 36.5, "USER-1": 12, "USER-2": 41.5])
    }

    /// Only sales that name no lot, that come within the window after the receipt, and that
    /// make up the receipt in exactly one way are matched; the lot's named sales count first.
    @Test func aQuantityMatchMustBeUniqueAndSoon() throws {
        // Two ways to make 90 (45 + 45 from three sales of 45): no match, first-in-first-out.
        var ambiguous = CustodyWorld()
        try ambiguous.importLot("C-OLD", on: "2026-01-10", kg: 100)
        try ambiguous.importLot("C-NEW", on: "2026-02-10", kg: 90)
        for (index, day) in ["2026-02-15", "2026-02-20", "2026-02-25"].enumerated() {
            try ambiguous.sell("T-\(index + 1)", on: day, kg: 45, from: "IMP", to: "BUYER-\(index + 1)")
        }
        let old = try #require(ambiguous.graph().trace("C-OLD"))
        #expect(old.steps.map(\.quantityKg) == [45, 45, 10])
        #expect(old.steps.allSatisfy { $0.allocation == .fifo })

        // The same sales as in the test above, but 61 days after the arrival: too late to match.
        var late = CustodyWorld()
        try late.importLot("C-OLD", on: "2026-01-10", kg: 100)
        try late.importLot("C-NEW", on: "2026-02-10", kg: 90)
        try late.sell("T-1", on: "2026-02-15", kg: 36.5, from: "IMP", to: "DIST")
        try late.sell("T-3", on: "2026-04-12", kg: 53.5, from: "IMP", to: "SHOP")
        let lateOld = try #require(late.graph().trace("C-OLD"))
        #expect(lateOld.steps.map(\.transferID) == ["T-1", "T-3"])
        #expect(lateOld.steps.map(\.allocation) == [.fifo, .fifo])

        // Seven sales of 10 make C-NEW's 70, and six of them C-OLD's 60 in seven ways: more than
        // six parts is no match, and neither are the seven ways; all first-in-first-out.
        var many = CustodyWorld()
        try many.importLot("C-OLD", on: "2026-01-10", kg: 60)
        try many.importLot("C-NEW", on: "2026-02-10", kg: 70)
        for index in 1...7 { try many.sell("T-\(index)", on: "2026-02-1\(index)", kg: 10, from: "IMP", to: "B-\(index)") }
        let manyGraph = many.graph()
        #expect(try #require(manyGraph.trace("C-OLD")).steps.map(\.transferID) == (1...6).map { "T-\($0)" })
        #expect(try #require(manyGraph.trace("C-NEW")).steps.map(\.allocation) == [.fifo])

        // A sale naming C-NEW carries 30 of its 90: the unnamed sales make up the other 60.
        var named = CustodyWorld()
        try named.importLot("C-OLD", on: "2026-01-10", kg: 100)
        try named.importLot("C-NEW", on: "2026-02-10", kg: 90)
        try named.sell("T-1", on: "2026-02-12", kg: 30, from: "IMP", to: "DIST", lot: "C-NEW")
        try named.sell("T-2", on: "2026-02-15", kg: 25, from: "IMP", to: "LAB")
        try named.sell("T-3", on: "2026-03-01", kg: 35, from: "IMP", to: "SHOP")
        let graph = named.graph()
        let new = try #require(graph.trace("C-NEW"))
        #expect(new.steps.map(\.transferID) == ["T-1", "T-2", "T-3"])
        #expect(new.steps.map(\.allocation) == [.exact, .matched, .matched])
        #expect(new.holdings == ["DIST": 30, "LAB": 25, "SHOP": 35])
        #expect(try #require(graph.trace("C-OLD")).holdings == ["IMP": 100])
    }

    @Test func anOverSaleLeavesAnUnattributedRemainder() throws {
        var world = CustodyWorld()
        try world.importLot("C-1", on: "2026-01-10", kg: 100)
        try world.importLot("C-2", on: "2026-01-20", kg: 50, by: "IMP2")
        try world.sell("T-1", on: "2026-02-01", kg: 150, from: "IMP", to: "DIST")
        try world.sell("T-2", on: "2026-02-01", kg: 80, from: "IMP2", to: "DIST", lot: "C-2")
        let traces = world.graph().traceAll()
        #expect(traces.map(\.consignmentID) == ["C-1", "C-2"])

        let first = traces[0]
        #expect(first.steps.count == 1 && first.steps[0].quantityKg == 100 && first.steps[0].transferKg == 150)
        #expect(first.holdings == ["DIST": 100])
        let second = traces[1]
        #expect(second.steps.count == 1 && second.steps[0].quantityKg == 50 && second.steps[0].transferKg == 80)
        #expect(second.steps[0].allocation == .exact)
        // What the lots could not cover belongs to no lot.
        let carried = traces.flatMap(\.steps).reduce(0) { $0 + $1.quantityKg }
        #expect(carried == 150)
    }

    @Test func multiHopFollowsAnUnnamedSecondSale() throws {
        var world = CustodyWorld()
        try world.importLot("C-1", on: "2026-01-10", kg: 100)
        try world.sell("T-1", on: "2026-02-01", kg: 100, from: "IMP", to: "DIST", lot: "C-1")
        try world.sell("T-2", on: "2026-02-15", kg: 30, from: "DIST", to: "USER")
        try world.sell("T-3", on: "2026-03-01", kg: 25, from: "DIST", to: "SHOP")

        let trace = try #require(world.graph().trace("C-1"))
        #expect(trace.steps.map(\.transferID) == ["T-1", "T-2", "T-3"])
        #expect(trace.steps.map(\.allocation) == [.exact, .fifo, .fifo])
        #expect(trace.steps.map(\.depth) == [1, 2, 2])
        #expect(trace.steps.map(\.toEntity) == ["DIST", "USER", "SHOP"])
        #expect(trace.holdings == ["DIST": 45, "USER": 30, "SHOP": 25])
        // Without reports, every party that never sells on is unaccounted for; the distributor sells.
        #expect(close(trace.unaccountedKg, 55))

        // A user that reports its use answers for its holding.
        try world.report("UR-1", by: "USER")
        let reported = try #require(world.graph().trace("C-1"))
        #expect(close(reported.unaccountedKg, 25))
    }

    @Test func aLotThatVanishesWithItsImporterIsUnaccounted() throws {
        var world = CustodyWorld()
        try world.importLot("C-FRONT", on: "2026-04-01", kg: 200, by: "FRONT")
        try world.importLot("C-PHARMA", on: "2026-04-01", kg: 40, by: "PHARMA")
        try world.report("UR-1", by: "PHARMA")
        let graph = world.graph()
        #expect(try #require(graph.trace("C-FRONT")).unaccountedKg == 200)
        #expect(try #require(graph.trace("C-PHARMA")).unaccountedKg == 0)
    }

    @Test func unresolvedPartiesKeepAKeyOfTheirOwn() throws {
        var world = CustodyWorld()
        try world.importLot("C-1", on: "2026-01-10", kg: 10)
        try world.sell("T-1", on: "2026-01-10", kg: 4, from: "IMP", to: "X", lot: "C-1")
        world.parties[Mention(kind: .transfers, id: "T-1", role: .to)] = nil
        let trace = try #require(world.graph().trace("C-1"))
        // Imports come before transfers on the same day.
        #expect(trace.steps.map(\.toEntity) == ["?transfers:T-1:to"])
        #expect(trace.holdings == ["IMP": 6, "?transfers:T-1:to": 4])
    }

    @Test func anUnknownConsignmentHasNoTrace() throws {
        var world = CustodyWorld()
        try world.importLot("C-1", on: "2026-01-10", kg: 10)
        #expect(world.graph().trace("C-404") == nil)
    }
}
