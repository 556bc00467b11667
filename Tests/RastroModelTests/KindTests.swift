import RastroModel
import Testing

@Suite struct KindTests {
    @Test(arguments: [
        ("consignments.csv", Kind.consignments), ("consignments-2026-03.csv", .consignments),
        ("Track_Points_day1.ndjson", .trackPoints), ("track_points.csv", .trackPoints),
        ("usage_reports.jsonl", .usageReports), ("legs.csv", .legs),
    ])
    func kindFromFileName(_ name: String, _ kind: Kind) {
        #expect(Kind.fromFileName(name) == kind)
    }

    @Test(arguments: ["consignment.csv", "data.csv", "legsx.csv", "ports.csv"])
    func unknownNamesHaveNoKind(_ name: String) {
        #expect(Kind.fromFileName(name) == nil)
    }

    @Test func tlpParsesTLP2Labels() {
        #expect(TLP(parsing: "TLP:AMBER+STRICT") == .amberStrict)
        #expect(TLP(parsing: "amber_strict") == .amberStrict)
        #expect(TLP(parsing: "White") == .clear)
        #expect(TLP(parsing: "purple") == nil)
        #expect(TLP.red > TLP.amberStrict && TLP.amber > TLP.green)
        #expect(TLP.amberStrict.label == "TLP:AMBER+STRICT")
    }

    @Test func everyKindHasItsContractIdAndRequiredFields() {
        for kind in Kind.allCases {
            let schema = kind.schema
            #expect(!schema.idFields.isEmpty)
            for id in schema.idFields { #expect(schema.fields.first { $0.name == id }?.required == true) }
        }
        #expect(Kind.trackPoints.schema.idFields == ["vehicle_id", "recorded_at"])
    }

    @Test func typedValuesComeFromRecords() throws {
        let schema = Kind.incidents.schema
        var values = [FieldValue](repeating: .null, count: schema.fields.count)
        values[schema.index(of: "incident_id")!] = .text("INC-1")
        values[schema.index(of: "date")!] = .text("2026-03-02")
        values[schema.index(of: "kind")!] = .text("seizure")
        values[schema.index(of: "entity_names")!] = .text("Química A;;Quim B")
        values[schema.index(of: "entity_tax_ids")!] = .text("QAA010101AA1;;")
        let record = Record(kind: .incidents, id: "INC-1", values: values, marking: Marking(tlp: .amber, originator: "MX-SAT"), line: 2)
        let incident = try Incident(record)
        #expect(incident.namedParties.count == 3)
        #expect(incident.namedParties[0].taxID == "QAA010101AA1")
        #expect(incident.namedParties[1].name == nil)
        #expect(incident.namedParties[2].name == "Quim B" && incident.namedParties[2].taxID == nil)
        #expect(throws: ModelError.self) { try Consignment(record) }
    }
}
