import Foundation
import RastroIngest
import RastroModel
import RastroStore
import RastroTesting
import Testing

/// Loading rules of the contract, on both backends.
@Suite struct LoadTests {
    static let consignmentHeader = "consignment_id,arrival_date,port_locode,chemical_cas,chemical_name,quantity_kg,importer_name"

    func ingest(_ test: TestStore, _ paths: [String], skipInvalid: Bool = false, rejects: String? = nil) async throws -> IngestReport {
        var options = IngestOptions()
        options.skipInvalid = skipInvalid
        options.rejectsPath = rejects
        return try await Ingestor(store: test.store, settings: test.settings, options: options).run(paths)
    }

    @Test(arguments: TestBackend.all)
    func aFileWithOneBadRowWritesNothing(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let folder = try Fixtures.folder([
            "consignments.csv": """
                \(Self.consignmentHeader)
                C-1,2026-03-02,MXZLO,108-24-7,,100,Química del Pacífico
                C-2,2026-03-02,MXZLO,108-24-8,,100,Química del Pacífico
                C-3,2026-03-03,MXLZC,,tolueno,2500.5,Solventes SA
                """,
            "organizations.csv": "org_id,name,country\nO-1,Química del Pacífico,MX\n",
        ])
        let report = try await ingest(test, [folder])
        #expect(!report.allLoaded)
        let consignments = try #require(report.files.first { $0.file.kind == .consignments })
        #expect(consignments.rejected)
        #expect(consignments.problems.map(\.description) == ["\(folder)/consignments.csv:3: chemical_cas: bad CAS check digit"])
        #expect(try await test.store.count(.consignments, viewer: test.settings.viewer) == 0)
        #expect(try await test.store.count(.organizations, viewer: test.settings.viewer) == 1)
    }

    @Test(arguments: TestBackend.all)
    func loadingTwiceChangesNothing(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let examples = Fixtures.packageRoot + "/Examples/small"
        let first = try await ingest(test, [examples])
        #expect(first.allLoaded)
        let firstTotals = first.totals.reduce(FileCounts()) { $0 + $1.counts }
        #expect(firstTotals.inserted == firstTotals.rowsRead && firstTotals.inserted > 400)
        let statsBefore = try await test.store.stats(viewer: test.settings.viewer)
        let second = try await ingest(test, [examples])
        let totals = second.totals.reduce(FileCounts()) { $0 + $1.counts }
        #expect(totals.unchanged == firstTotals.rowsRead)
        #expect(totals.inserted == 0 && totals.versioned == 0)
        #expect(try await test.store.stats(viewer: test.settings.viewer) == statsBefore)
    }

    @Test(arguments: TestBackend.all)
    func aChangedRowMakesAVersionAndKeepsTheOld(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let v1 = try Fixtures.file("consignments.csv", "\(Self.consignmentHeader)\nC-1,2026-03-02,MXZLO,108-24-7,,100,Química del Pacífico\nC-2,2026-03-02,MXZLO,67-64-1,,5,Otra\n")
        let v2 = try Fixtures.file("consignments.csv", "\(Self.consignmentHeader)\nC-1,2026-03-02,MXZLO,108-24-7,,120,Química del Pacífico\nC-2,2026-03-02,MXZLO,67-64-1,,5,Otra\n")
        _ = try await ingest(test, [v1])
        let report = try await ingest(test, [v2])
        let counts = report.files[0].counts
        #expect(counts.inserted == 0 && counts.versioned == 1 && counts.unchanged == 1)
        let versions = try await test.store.versions(of: .consignments, id: "C-1", viewer: test.settings.viewer)
        #expect(versions.map(\.version) == [1, 2])
        #expect(versions.map(\.isCurrent) == [false, true])
        #expect(versions.map { $0.record["quantity_kg"] } == [.number(100), .number(120)])
        #expect(versions[0].provenance.sourceFile == v1 && versions[1].provenance.sourceFile == v2)
        #expect(versions[1].provenance.line == 2 && versions[0].provenance.loadID != versions[1].provenance.loadID)
        #expect(try await test.store.count(.consignments, viewer: test.settings.viewer) == 2)
        // Loading the first content again makes a third version: history is never rewritten.
        _ = try await ingest(test, [v1])
        #expect(try await test.store.versions(of: .consignments, id: "C-1", viewer: test.settings.viewer).map(\.version) == [1, 2, 3])
    }

    /// What a load writes reads back exactly: long text (a batch larger than the SQLite writer's
    /// first staging block), escapes for COPY, and numbers that take every formatting path.
    @Test(arguments: TestBackend.all)
    func storedValuesReadBackExactly(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let numbers = ["19.4326", "-89.1332", "0.30000000000000004", "-0.5", "0.0000001", "-89.99999999999997", "1e-9",
                       "45", "-12.000001", "89.99999999999999"]
        var csv = "org_id,name,country,address,lat,lon,note\n"
        var expected: [String: (name: String, address: String, lat: Double, lon: Double, note: String)] = [:]
        for index in 0..<200 {
            let address = String(repeating: "Av. Insurgentes Sur \\ 1602 #\(index) ", count: 40)
            let note = index % 3 == 0 ? "tab\there, newline\nhere" : "ñandú \(index)"
            let (lat, lon) = (numbers[index % numbers.count], numbers[(index + 3) % numbers.count])
            csv += "O-\(index),\"Química \(index), S.A. de C.V.\",MX,\(address),\(lat),\(lon),\"\(note)\"\n"
            expected["O-\(index)"] = ("Química \(index), S.A. de C.V.", address.trimmingCharacters(in: .whitespaces),
                                     try #require(Double(lat)), try #require(Double(lon)), note)
        }
        let file = try Fixtures.file("organizations.csv", csv)
        let report = try await ingest(test, [file])
        try #require(report.allLoaded, "\(report.files.first?.problems.first?.description ?? "")")
        let stored = try await test.store.currentRecords(.organizations, viewer: test.settings.viewer)
        #expect(stored.count == 200)
        for record in stored {
            let want = try #require(expected[record.id])
            #expect(record["name"] == .text(want.name))
            #expect(record["address"] == .text(want.address))
            #expect(record["lat"] == .number(want.lat), "\(record.id)")
            #expect(record["lon"] == .number(want.lon), "\(record.id)")
            #expect(record.attributes == [Record.Attribute(name: "note", value: want.note)])
        }
        // The stored content hash is the one a reload computes: loading the file again changes nothing.
        let again = try await ingest(test, [file])
        #expect(again.files[0].counts.unchanged == 200)
    }

    @Test(arguments: TestBackend.all)
    func repeatedIdsInOneFileAreVersionedInFileOrder(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let file = try Fixtures.file("consignments.csv", """
            \(Self.consignmentHeader)
            C-1,2026-03-02,MXZLO,108-24-7,,100,A
            C-1,2026-03-02,MXZLO,108-24-7,,100,A
            C-1,2026-03-02,MXZLO,108-24-7,,150,A
            C-1,2026-03-02,MXZLO,108-24-7,,100,A
            """)
        let counts = try await ingest(test, [file]).files[0].counts
        #expect(counts.inserted == 1 && counts.versioned == 2 && counts.unchanged == 1)
        let versions = try await test.store.versions(of: .consignments, id: "C-1", viewer: test.settings.viewer)
        #expect(versions.map { $0.record["quantity_kg"] } == [.number(100), .number(150), .number(100)])
        #expect(versions.map(\.isCurrent) == [false, false, true])
    }

    @Test(arguments: TestBackend.all)
    func skipInvalidLoadsGoodRowsAndWritesRejects(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let folder = try Fixtures.folder(["track_points.csv": """
            vehicle_id,recorded_at,lat,lon,extra_note
            T1,2026-03-02T14:05:00-06:00,20.5,-103.2,ok
            T1,2026-03-02T14:06:00,20.5,-103.2,no zone
            T2,2026-03-02T14:05:00Z,95,-103.2,bad lat
            T2,2026-03-02T14:06:00Z,20.6,-103.1,
            """])
        let rejects = folder + "/rejects.ndjson"
        let report = try await ingest(test, [folder + "/track_points.csv"], skipInvalid: true, rejects: rejects)
        let counts = report.files[0].counts
        #expect(counts.rowsRead == 4 && counts.inserted == 2 && counts.rejected == 2 && !counts.discarded)
        #expect(report.rejectsPath == rejects)
        let lines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("\"line\":3") && lines[0].contains("\"column\":\"recorded_at\"") && lines[0].contains("\"extra_note\":\"no zone\""))
        let stored = try await test.store.versions(of: .trackPoints, id: "T1@2026-03-02T20:05:00Z", viewer: test.settings.viewer)
        #expect(stored.first?.record.attributes == [Record.Attribute(name: "extra_note", value: "ok")])
    }

    @Test(arguments: TestBackend.all)
    func repeatedIdsWithBadRowsWriteEachRejectOnce(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let folder = try Fixtures.folder(["consignments.csv": """
            \(Self.consignmentHeader)
            C-1,2026-03-02,MXZLO,108-24-7,,100,A
            C-2,2026-03-02,MXZLO,108-24-8,,100,A
            C-1,2026-03-02,MXZLO,108-24-7,,150,A
            C-3,2026-13-02,MXZLO,108-24-7,,-1,A
            """])
        let rejects = folder + "/rejects.ndjson"
        let report = try await ingest(test, [folder + "/consignments.csv"], skipInvalid: true, rejects: rejects)
        let counts = report.files[0].counts
        #expect(counts.rowsRead == 4 && counts.rejected == 2 && counts.inserted == 1 && counts.versioned == 1)
        #expect(report.files[0].problemCount == 3)
        let lines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.filter { $0.contains("\"line\":5") }.count == 2)
    }

    @Test(arguments: TestBackend.all)
    func ndjsonLoadsLikeCSV(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let file = try Fixtures.file("observations.ndjson", """
            {"observation_id": "O-1", "observed_at": "2026-03-02T14:05:00-06:00", "lat": "20.67", "lon": -103.35, "kind": "site_activity", "confidence": "0.6", "source": null}
            {"observation_id": "O-2", "observed_at": "2026-03-02T15:05:00Z", "lat": 20.7, "lon": -103.3, "kind": "vehicle", "analyst": "team 3"}
            """)
        let report = try await ingest(test, [file])
        #expect(report.allLoaded && report.files[0].counts.inserted == 2)
        let stored = try #require(try await test.store.versions(of: .observations, id: "O-1", viewer: test.settings.viewer).first)
        #expect(stored.record["lat"] == .number(20.67) && stored.record["confidence"] == .number(0.6))
        #expect(stored.record["observed_at"] == .text("2026-03-02T20:05:00Z"))
        let second = try #require(try await test.store.versions(of: .observations, id: "O-2", viewer: test.settings.viewer).first)
        #expect(second.record.attributes == [Record.Attribute(name: "analyst", value: "team 3")])
    }

    @Test(arguments: TestBackend.all)
    func garbageFilesAreRefusedWithAReasonAndNothingWritten(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend)
        defer { Task { await test.dispose() } }
        let folder = try Fixtures.folder([
            "consignments.csv": "",
            "transfers.csv": "transfer_id,date,chemical_cas,quantity_kg,from_name,to_name\n",
            "legs.ndjson": "",
        ])
        try Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02, 0xFF]).write(to: URL(fileURLWithPath: folder + "/organizations.csv"))
        let report = try await ingest(test, [folder])
        #expect(report.files.count == 4 && report.files.allSatisfy(\.rejected))
        let reasons = report.files.flatMap(\.problems).map(\.reason)
        #expect(reasons.contains("empty file: no header row"))
        #expect(reasons.contains("binary content (NUL bytes): not a CSV text file"))
        #expect(reasons.filter { $0 == "no records (only a header, or nothing at all)" }.count == 2)
        for kind in Kind.allCases { #expect(try await test.store.count(kind, viewer: test.settings.viewer) == 0) }
    }
}
