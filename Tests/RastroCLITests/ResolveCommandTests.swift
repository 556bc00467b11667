import Foundation
import RastroTesting
import Testing

/// End-to-end: simulate, ingest, resolve (with an explanation and findings), evaluate.
@Suite struct ResolveCommandTests {
    @Test func resolveExplainsAndWritesFindingsThatEvaluateScores() throws {
        let folder = try Fixtures.folder([:])
        #expect(try RastroProcess.run(["simulate", "--seed", "5", "--out", "world"], directory: folder).status == 0)
        #expect(try RastroProcess.run(["init", "--organization", "MX-FUSION", "--country", "MX"], directory: folder).status == 0)
        #expect(try RastroProcess.run(["ingest", "world"], directory: folder).status == 0)
        let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/world/truth.json")))
            as? [String: Any])
        let mentions = try #require(truth["mentions"] as? [[String: String]])
        let importer = try #require(mentions.first { $0["role"] == "importer" })
        let other = try #require(mentions.first { $0["entity_id"] != importer["entity_id"] && $0["role"] == "importer" })
        func text(_ mention: [String: String]) -> String { "\(mention["kind"]!):\(mention["id"]!):\(mention["role"]!)" }

        let result = try RastroProcess.run(["resolve", "--findings-out", "entities.json", "--explain", text(importer),
                                            "--explain", text(other), "--json"], directory: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let explanation = try #require(report["explanation"] as? [String: Any])
        let fields = try #require(explanation["fields"] as? [[String: Any]])
        #expect(fields.map { $0["field"] as? String } == ["name", "tax_id", "address", "postal_code", "phone", "email", "country", "legal_form"])
        #expect((explanation["probability"] as? Double).map { (0...1).contains($0) } == true)

        let evaluation = try RastroProcess.run(["evaluate", "--truth", "world/truth.json", "--findings", "entities.json", "--json"],
                                               directory: folder)
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        let scores = try #require(try JSONSerialization.jsonObject(with: Data(evaluation.stdout.utf8)) as? [String: Any])
        let entities = try #require(scores["entities"] as? [String: Any])
        #expect((entities["f1"] as? Double ?? 0) > 0.9)

        let bad = try RastroProcess.run(["resolve", "--explain", "consignments:X"], directory: folder)
        #expect(bad.status == 2)
        let unknown = try RastroProcess.run(["resolve", "--explain", "consignments:NOPE:importer", "--explain", text(other)], directory: folder)
        #expect(unknown.status == 2 && unknown.stderr.contains("no such mention"))
    }
}
