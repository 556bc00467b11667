import Foundation
import RastroTesting
import Testing

/// End-to-end: `rastro evaluate` on a hand-written truth and findings; no store involved.
@Suite struct EvaluateCommandTests {
    static let truth = """
        {"format": "rastro-truth-1", "seed": 7, "scale": "test", "difficulty": "easy",
         "period_start": "2026-01-01", "period_end": "2026-03-31",
         "consignment_ids": ["C-1", "C-2", "C-3", "C-4"],
         "diverted_consignments": [{"consignment_id": "C-1", "scheme": "front_importer", "schemes": ["front_importer"],
                                    "diverted_kg": 120.5, "lab_id": "LAB-1"}],
         "entities": [{"entity_id": "E-1", "name": "Química del Pacífico", "country": "MX", "role": "importer",
                       "tax_id": null, "illicit": true}],
         "mentions": [{"kind": "consignments", "id": "C-1", "role": "importer", "entity_id": "E-1"},
                      {"kind": "organizations", "id": "ORG-3", "role": "self", "entity_id": "E-1"},
                      {"kind": "consignments", "id": "C-2", "role": "importer", "entity_id": "E-2"}],
         "labs": [{"lab_id": "LAB-1", "lat": 20.67, "lon": -103.35, "city": "Guadalajara", "state": "Jalisco",
                   "active_from": "2026-01-10"}],
         "raided_labs": [], "schemes": []}
        """

    static let findings = """
        {"consignments": [{"consignment_id": "C-1", "risk": 0.93, "flags": ["mass_balance_gap"]},
                          {"consignment_id": "C-2", "risk": 0.1}, {"consignment_id": "C-3", "risk": 0.2}],
         "entities": [{"entity_id": "P-1", "mentions": [{"kind": "consignments", "id": "C-1", "role": "importer"},
                                                        {"kind": "organizations", "id": "ORG-3", "role": "self"}]}],
         "areas": [{"lat": 20.671, "lon": -103.351, "radius_km": 1.5, "score": 0.7}]}
        """

    func folder(findings: String = findings) throws -> String {
        try Fixtures.folder(["truth.json": Self.truth, "findings.json": findings])
    }

    @Test func scoresFindingsAsJSON() async throws {
        let folder = try folder()
        let result = try await RastroProcess.run(["evaluate", "--truth", "truth.json", "--findings", "findings.json", "--json"], directory: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let consignments = try #require(json["consignments"] as? [String: Any])
        #expect(consignments["auc"] as? Double == 1)
        #expect(consignments["precision_at_k"] as? Double == 1)
        #expect(consignments["missing"] as? Int == 1)
        let entities = try #require(json["entities"] as? [String: Any])
        #expect(entities["precision"] as? Double == 1 && entities["recall"] as? Double == 1)
        #expect(entities["missing_mentions"] as? Int == 1)
        let areas = try #require(json["areas"] as? [String: Any])
        #expect(areas["hit_at_1"] as? Double == 1 && areas["precision_at_l"] as? Double == 1)

        let text = try await RastroProcess.run(["evaluate", "--truth", "truth.json", "--findings", "findings.json"], directory: folder)
        #expect(text.status == 0)
        #expect(text.stdout.contains("ROC AUC") && text.stdout.contains("1.000"))
    }

    @Test func badFindingsExitOne() async throws {
        for (content, reason) in [
            ("", "not valid findings JSON"),
            ("[1, 2]", "not valid findings JSON"),
            (#"{"consignments": [{"consignment_id": "C-1", "risk": "high"}]}"#, "not valid findings JSON: consignments[0].risk"),
            (#"{"consignments": [{"consignment_id": "C-7", "risk": -0.2}]}"#, "consignment C-7: risk -0.2 is outside [0, 1]"),
        ] {
            let folder = try folder(findings: content)
            let result = try await RastroProcess.run(["evaluate", "--truth", "truth.json", "--findings", "findings.json"], directory: folder)
            #expect(result.status == 1 && !result.crashed, "\(content)")
            #expect(result.stderr.contains("findings.json: ") && result.stderr.contains(reason), "\(result.stderr)")
        }
        let binary = try Fixtures.file("findings.json", bytes: [0xFF, 0x00, 0xC3, 0x28, 0x7B])
        let truth = try Fixtures.file("truth.json", Self.truth)
        let garbage = try await RastroProcess.run(["evaluate", "--truth", truth, "--findings", binary])
        #expect(garbage.status == 1 && garbage.stderr.contains("\(binary): not valid findings JSON"))
    }

    @Test func usageErrorsExitTwo() async throws {
        let folder = try folder()
        let noFindings = try await RastroProcess.run(["evaluate", "--truth", "truth.json"], directory: folder)
        #expect(noFindings.status == 2 && noFindings.stderr.contains("--findings FILE"), "\(noFindings.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/rastro.db"))
        let missing = try await RastroProcess.run(["evaluate", "--truth", "truth.json", "--findings", "none.json"], directory: folder)
        #expect(missing.status == 2 && missing.stderr.contains("none.json: no such file"))
        let noTruth = try await RastroProcess.run(["evaluate", "--findings", "findings.json"], directory: folder)
        #expect(noTruth.status == 2)
    }
}
