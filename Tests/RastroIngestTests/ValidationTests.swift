@testable import RastroIngest
import RastroModel
import RastroTesting
import Testing

/// Every validation rule, with the exact message a user sees.
@Suite struct ValidationTests {
    /// Validates one CSV data row of `kind` and returns the problems as `file:line: column: reason`.
    func problems(_ kind: Kind, _ header: String, _ row: String) throws -> [String] {
        let path = try Fixtures.file("\(kind.rawValue).csv", header + "\n" + row + "\n")
        return try validateFirstRow(kind, path: path, file: "f.csv", originator: "MX-TEST").problems.map(\.description)
    }

    /// Reads the header and the first row of a CSV file and validates that row.
    func validateFirstRow(_ kind: Kind, path: String, file: String? = nil, originator: String = "LOCAL") throws
        -> (record: Record?, problems: [IngestError]) {
        var reader = try CSVReader(path: path)
        var raw = RawRow()
        _ = try reader.next(into: &raw)
        let validator = RowValidator(kind: kind, file: file ?? path, defaults: .init(tlp: .amber, originator: originator))
        try validator.bind(header: (0..<raw.count).map { raw.string($0) }, complete: true)
        _ = try reader.next(into: &raw)
        var problems: [IngestError] = []
        let record = validator.validate(raw, problems: &problems)
        return (record, problems)
    }

    static let trackHeader = "vehicle_id,recorded_at,lat,lon,source,speed_kmh"
    static let consignmentHeader = "consignment_id,arrival_date,port_locode,chemical_cas,chemical_name,quantity_kg,importer_name,exporter_country,hs_code"

    @Test(arguments: [
        (Kind.trackPoints, trackHeader, "T1,2026-03-02T14:05:00Z,91,-103,gps,50", "f.csv:2: lat: latitude out of range [-90, 90]"),
        (.trackPoints, trackHeader, "T1,2026-03-02T14:05:00Z,20,-181,gps,50", "f.csv:2: lon: longitude out of range [-180, 180]"),
        (.trackPoints, trackHeader, "T1,2026-03-02T14:05:00,20,-103,gps,50", "f.csv:2: recorded_at: timestamp without a time zone (add Z or an offset such as -06:00)"),
        (.trackPoints, trackHeader, "T1,2026-02-30T14:05:00Z,20,-103,gps,50", "f.csv:2: recorded_at: bad date (no such day in the calendar)"),
        (.trackPoints, trackHeader, "T1,yesterday,20,-103,gps,50", "f.csv:2: recorded_at: bad timestamp (expected ISO 8601, e.g. 2026-03-02T14:05:00-06:00)"),
        (.trackPoints, trackHeader, "T1,2026-03-02T25:00:00Z,20,-103,gps,50", "f.csv:2: recorded_at: bad timestamp (time or offset out of range)"),
        (.trackPoints, trackHeader, "T1,2026-03-02T14:05:00Z,20,-103,drone,50", "f.csv:2: source: unknown value (expected one of: gps, checkpoint, aerial, ais)"),
        (.trackPoints, trackHeader, "T1,2026-03-02T14:05:00Z,20,-103,gps,-5", "f.csv:2: speed_kmh: out of range [0, 1000]"),
        (.trackPoints, trackHeader, "T1,2026-03-02T14:05:00Z,\"20,5\",-103,gps,5", "f.csv:2: lat: not a number (use . as the decimal point, no thousands separators)"),
        (.trackPoints, trackHeader, "T1,2026-03-02T14:05:00Z,abc,-103,gps,5", "f.csv:2: lat: not a number"),
        (.trackPoints, trackHeader, ",2026-03-02T14:05:00Z,20,-103,gps,5", "f.csv:2: vehicle_id: required value is missing"),
        (.trackPoints, trackHeader, "T1,2026-03-02T14:05:00Z,20,-103,gps", "f.csv:2: expected 6 fields, found 5"),
        (.consignments, consignmentHeader, "C1,2026-03-02,MXZLO,108-24-8,,10,Q SA,CN,2915.24", "f.csv:2: chemical_cas: bad CAS check digit"),
        (.consignments, consignmentHeader, "C1,2026-03-02,MXZLO,10824-7,,10,Q SA,CN,2915.24", "f.csv:2: chemical_cas: bad CAS number (expected digits like 79-09-4)"),
        (.consignments, consignmentHeader, "C1,2026-03-02,MXZLO,,,10,Q SA,CN,2915.24", "f.csv:2: chemical_cas: one of chemical_cas, chemical_name is required"),
        (.consignments, consignmentHeader, "C1,2026-03-02,MXZLO,108-24-7,,-10,Q SA,CN,2915.24", "f.csv:2: quantity_kg: negative quantity"),
        (.consignments, consignmentHeader, "C1,02/03/2026,MXZLO,108-24-7,,10,Q SA,CN,2915.24", "f.csv:2: arrival_date: bad date (expected YYYY-MM-DD)"),
        (.consignments, consignmentHeader, "C1,2026-02-29,MXZLO,108-24-7,,10,Q SA,CN,2915.24", "f.csv:2: arrival_date: bad date (no such day in the calendar)"),
        (.consignments, consignmentHeader, "C1,2026-03-02,ZLO,108-24-7,,10,Q SA,CN,2915.24", "f.csv:2: port_locode: bad UN/LOCODE (expected 5 characters such as MXZLO)"),
        (.consignments, consignmentHeader, "C1,2026-03-02,QQZLO,108-24-7,,10,Q SA,CN,2915.24", "f.csv:2: port_locode: unknown ISO 3166-1 country code"),
        (.consignments, consignmentHeader, "C1,2026-03-02,MXZLO,108-24-7,,10,Q SA,China,2915.24", "f.csv:2: exporter_country: bad country (expected an ISO 3166-1 alpha-2 code such as MX)"),
        (.consignments, consignmentHeader, "C1,2026-03-02,MXZLO,108-24-7,,10,Q SA,ZZ,2915.24", "f.csv:2: exporter_country: unknown ISO 3166-1 country code"),
        (.consignments, consignmentHeader, "C1,2026-03-02,MXZLO,108-24-7,,10,Q SA,CN,2915", "f.csv:2: hs_code: bad HS code (expected 6 to 10 digits, dots allowed)"),
        (.consignments, consignmentHeader, "C1,2026-03-02,MXZLO,108-24-7,,10,,CN,2915.24", "f.csv:2: importer_name: required value is missing"),
        (.observations, "observation_id,observed_at,lat,lon,kind,confidence", "O1,2026-03-02T14:05:00Z,20,-103,vehicle,1.5", "f.csv:2: confidence: out of range [0, 1]"),
        (.observations, "observation_id,observed_at,lat,lon,kind", "O1,2026-03-02T14:05:00Z,20,-103,ufo", "f.csv:2: kind: unknown value (expected one of: vehicle, site_activity, chemical_signature, waste_dump, other)"),
        (.legs, "leg_id,vehicle_id,departed_at,arrived_at,transfer_id", "L1,V1,2026-03-02T14:05:00Z,2026-03-02T10:00:00Z,T1", "f.csv:2: arrived_at: earlier than departed_at"),
        (.legs, "leg_id,vehicle_id,departed_at,origin_lat,consignment_id", "L1,V1,2026-03-02T14:05:00Z,20.1,C1", "f.csv:2: origin_lat: given without origin_lon"),
        (.legs, "leg_id,vehicle_id,departed_at,transfer_id,consignment_id", "L1,V1,2026-03-02T14:05:00Z,,", "f.csv:2: transfer_id: one of transfer_id, consignment_id is required"),
        (.usageReports, "report_id,org_name,chemical_name,period_start,period_end", "R1,Q,tolueno,2026-03-01,2026-02-01", "f.csv:2: period_end: earlier than period_start"),
        (.incidents, "incident_id,date,kind,entity_names,entity_tax_ids", "I1,2026-03-02,seizure,A;B,X", "f.csv:2: entity_tax_ids: entity_names and entity_tax_ids have different numbers of entries"),
        (.organizations, "org_id,name,country,email", "O1,Q,MX,not-an-email", "f.csv:2: email: bad e-mail address"),
        (.organizations, "org_id,name,country,tlp", "O1,Q,MX,purple", "f.csv:2: tlp: unknown TLP level (expected clear, green, amber, amber+strict or red)"),
        (.organizations, "org_id,name,country,releasable_to", "O1,Q,MX,US;bad id!", "f.csv:2: releasable_to: bad organization id or country (letters, digits, - . _; 2 to 64 characters)"),
        (.organizations, "org_id,name,country,originator", "O1,Q,MX,x", "f.csv:2: originator: bad organization id or country (letters, digits, - . _; 2 to 64 characters)"),
    ])
    func badRowsSayFileLineColumnAndReason(kind: Kind, header: String, row: String, expected: String) throws {
        #expect(try problems(kind, header, row) == [expected])
    }

    @Test func everyProblemOfARowIsReported() throws {
        let found = try problems(.trackPoints, Self.trackHeader, "T1,2026-03-02T14:05:00Z,95,-190,gps,5")
        #expect(found == ["f.csv:2: lat: latitude out of range [-90, 90]", "f.csv:2: lon: longitude out of range [-180, 180]"])
    }

    @Test func messagesNeverQuoteTheValue() throws {
        let found = try problems(.organizations, "org_id,name,country,email", "O1,Q,MX,juan.perez-secret")
        #expect(found.count == 1)
        #expect(!found[0].contains("juan"))
    }

    @Test func missingRequiredColumnRejectsTheFileBeforeAnyRow() throws {
        let validator = RowValidator(kind: .consignments, file: "c.csv", defaults: .init(tlp: .amber, originator: "MX"))
        let error = try #require(throws: IngestError.self) {
            try validator.bind(header: ["consignment_id", "arrival_date", "port_locode", "quantity_kg", "importer_name"], complete: true)
        }
        #expect(error.description == "c.csv:1: missing required column: one of chemical_cas, chemical_name for consignments")
        let missing = try #require(throws: IngestError.self) {
            try validator.bind(header: ["consignment_id", "arrival_date", "chemical_cas", "quantity_kg", "importer_name"], complete: true)
        }
        #expect(missing.description == "c.csv:1: port_locode: missing required column for consignments")
        #expect(throws: IngestError.self) { try validator.bind(header: ["consignment_id", "Consignment_ID"], complete: true) }
    }

    @Test func goodRowsBecomeNormalizedRecordsWithMarkingsAndAttributes() throws {
        let path = try Fixtures.file("c.csv", """
            Consignment_ID,ARRIVAL_DATE,port_locode,chemical_cas,chemical_name,quantity_kg,importer_name,inspector_notes,tlp,releasable_to,originator
             C-1 ,2026-03-02,mx zlo,41661-47-6,piperidine, 500.25 ,"Química del Pacífico, S.A. de C.V.",revisar,Amber+Strict,us-dea;MX,MX-SAT
            """)
        let (validated, problems) = try validateFirstRow(.consignments, path: path)
        let record = try #require(validated)
        #expect(problems.isEmpty)
        #expect(record.id == "C-1")
        #expect(record["port_locode"] == .text("MXZLO"))
        #expect(record["quantity_kg"] == .number(500.25))
        #expect(record.chemicalRef == "41661-47-6")
        #expect(record.attributes == [Record.Attribute(name: "inspector_notes", value: "revisar")])
        #expect(record.marking == Marking(tlp: .amberStrict, releasableTo: ["US-DEA", "MX"], originator: "MX-SAT"))
        let consignment = try Consignment(record)
        #expect(consignment.importerName == "Química del Pacífico, S.A. de C.V.")
        #expect(consignment.chemical.isListed)
    }

    /// The validator reuses the last row's marking when its cells repeat; rows with other cells,
    /// bad cells, or none get their own.
    @Test func eachRowGetsItsOwnMarkingWhenMarkingsRepeatAndChange() throws {
        let path = try Fixtures.file("o.csv", """
            org_id,name,country,tlp,releasable_to,originator
            O1,A,MX,amber,MX,MX-SAT
            O2,B,MX,amber,MX,MX-SAT
            O3,C,MX,green,,MX-SAT
            O4,D,MX,purple,MX,MX-SAT
            O5,E,MX,amber,MX,MX-SAT
            O6,F,MX,,,
            O7,G,MX,amber,MX;US,MX-SAT
            """)
        var reader = try CSVReader(path: path)
        var raw = RawRow()
        _ = try reader.next(into: &raw)
        let validator = RowValidator(kind: .organizations, file: "o.csv", defaults: .init(tlp: .amber, originator: "MX-TEST"))
        try validator.bind(header: (0..<raw.count).map { raw.string($0) }, complete: true)
        var markings: [Marking?] = []
        var problems: [IngestError] = []
        while try reader.next(into: &raw) { markings.append(validator.validate(raw, problems: &problems)?.marking) }
        let shared = Marking(tlp: .amber, releasableTo: ["MX"], originator: "MX-SAT")
        #expect(markings == [shared, shared, Marking(tlp: .green, originator: "MX-SAT"), nil, shared,
                             Marking(tlp: .amber, originator: "MX-TEST"), Marking(tlp: .amber, releasableTo: ["MX", "US"], originator: "MX-SAT")])
        #expect(problems.map(\.description) == ["o.csv:5: tlp: unknown TLP level (expected clear, green, amber, amber+strict or red)"])
    }

    @Test func trackPointIdsAreVehicleAtUTCTime() throws {
        let path = try Fixtures.file("t.csv", "vehicle_id,recorded_at,lat,lon\nTRK-9,2026-03-02T14:05:00-06:00,20.67,-103.35\n")
        #expect(try validateFirstRow(.trackPoints, path: path).record?.id == "TRK-9@2026-03-02T20:05:00Z")
    }
}
