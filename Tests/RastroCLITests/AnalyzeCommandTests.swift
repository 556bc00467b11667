import Foundation
import RastroTesting
import Testing

/// End-to-end: simulate, ingest, analyze, then read the run back through findings, alerts and trace.
@Suite struct AnalyzeCommandTests {
    @Test func analyzeStoresARunThatFindingsAlertsAndTraceRead() async throws {
        let folder = try Fixtures.folder([:])
        #expect(try await RastroProcess.run(["simulate", "--seed", "9", "--out", "world"], directory: folder).status == 0)
        #expect(try await RastroProcess.run(["init", "--organization", "MX-FUSION", "--country", "MX"], directory: folder).status == 0)
        // Nothing to read before an analysis.
        let early = try await RastroProcess.run(["findings"], directory: folder)
        #expect(early.status == 2 && early.stderr.contains("rastro analyze"))
        #expect(try await RastroProcess.run(["ingest", "world"], directory: folder).status == 0)

        let analyzed = try await RastroProcess.run(["analyze", "--json"], directory: folder)
        #expect(analyzed.status == 0, "\(analyzed.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(analyzed.stdout.utf8)) as? [String: Any])
        #expect((summary["consignments"] as? Int ?? 0) > 100)

        // findings: exactly the contract's three keys, and `rastro evaluate` reads them.
        let findings = try await RastroProcess.run(["findings", "--format", "json", "--out", "findings.json"], directory: folder)
        #expect(findings.status == 0, "\(findings.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/findings.json")))
            as? [String: Any])
        #expect(Set(object.keys) == ["consignments", "entities", "areas"])
        let consignments = try #require(object["consignments"] as? [[String: Any]])
        #expect(consignments.allSatisfy { ($0["risk"] as? Double).map { (0...1).contains($0) } == true && $0["consignment_id"] is String })
        let evaluation = try await RastroProcess.run(["evaluate", "--truth", "world/truth.json", "--findings", "findings.json", "--json"],
                                               directory: folder)
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        // Without --findings, evaluate scores the store's last analysis: the same figures, and
        // its custody traces against the truth's lot of each transfer, which a file cannot give.
        let fromStore = try await RastroProcess.run(["evaluate", "--truth", "world/truth.json", "--json"], directory: folder)
        #expect(fromStore.status == 0, "\(fromStore.stderr)")
        var fileFigures = try #require(try JSONSerialization.jsonObject(with: Data(evaluation.stdout.utf8)) as? [String: Any])
        var storeFigures = try #require(try JSONSerialization.jsonObject(with: Data(fromStore.stdout.utf8)) as? [String: Any])
        #expect(fileFigures.removeValue(forKey: "custody") is NSNull)
        let custody = try #require(storeFigures.removeValue(forKey: "custody") as? [String: Any])
        #expect(NSDictionary(dictionary: fileFigures).isEqual(to: storeFigures))
        let share = try #require((custody["all"] as? [String: Any])?["share"] as? Double)
        #expect(share > 0.5 && share <= 1, "custody share \(share)")
        let kinds = try #require(custody["by_allocation"] as? [String: Any])
        #expect(kinds["exact"] != nil && kinds["fifo"] != nil)
        let stdout = try await RastroProcess.run(["findings"], directory: folder)
        #expect(stdout.status == 0 && (try? JSONSerialization.jsonObject(with: Data(stdout.stdout.utf8))) != nil)
        #expect(try await RastroProcess.run(["findings", "--format", "xml"], directory: folder).status == 2)
        let areas = try await RastroProcess.run(["findings", "--format", "geojson"], directory: folder)
        let map = try #require(try JSONSerialization.jsonObject(with: Data(areas.stdout.utf8)) as? [String: Any])
        let features = try #require(map["features"] as? [[String: Any]])
        #expect(map["type"] as? String == "FeatureCollection")
        #expect(features.count == (object["areas"] as? [Any])?.count)

        // alerts: newest first, each with reasons.
        let alerts = try await RastroProcess.run(["alerts", "--json", "--limit", "5"], directory: folder)
        #expect(alerts.status == 0, "\(alerts.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(alerts.stdout.utf8)) as? [[String: Any]])
        #expect(list.allSatisfy { !(($0["reasons"] as? [Any]) ?? []).isEmpty })

        // trace: a consignment's chain, as text, JSON and GeoJSON; an unknown id is refused.
        let id = try #require(consignments.first?["consignment_id"] as? String)
        let text = try await RastroProcess.run(["trace", id], directory: folder)
        #expect(text.status == 0 && text.stdout.contains(id) && text.stdout.contains("unaccounted"), "\(text.stderr)")
        let traced = try await RastroProcess.run(["trace", id, "--json"], directory: folder)
        let trace = try #require(try JSONSerialization.jsonObject(with: Data(traced.stdout.utf8)) as? [String: Any])
        #expect(trace["consignmentID"] as? String == id)
        let geojson = try await RastroProcess.run(["trace", id, "--geojson"], directory: folder)
        let collection = try #require(try JSONSerialization.jsonObject(with: Data(geojson.stdout.utf8)) as? [String: Any])
        #expect(collection["type"] as? String == "FeatureCollection")
        #expect(try await RastroProcess.run(["trace", "C-NOPE"], directory: folder).status == 1)

        // A second analysis of the same store, in another process (whose dictionaries iterate in
        // another order), gives the same findings and the same alerts, evidence lists included.
        let alertsBefore = try await RastroProcess.run(["alerts", "--json", "--limit", "100000"], directory: folder)
        #expect(try await RastroProcess.run(["analyze", "--json"], directory: folder).status == 0)
        #expect(try await RastroProcess.run(["findings", "--out", "again.json"], directory: folder).status == 0)
        let first = try Data(contentsOf: URL(fileURLWithPath: folder + "/findings.json"))
        let second = try Data(contentsOf: URL(fileURLWithPath: folder + "/again.json"))
        #expect(first == second)
        let alertsAfter = try await RastroProcess.run(["alerts", "--json", "--limit", "100000"], directory: folder)
        #expect(alertsBefore.status == 0 && alertsBefore.stdout.count > 100 && alertsBefore.stdout == alertsAfter.stdout)

        // A fresh analysis's stored traces are what rebuilding them from the records gives: read
        // them, make the analysis stale with another load, and read them again.
        let ids = consignments.prefix(8).compactMap { $0["consignment_id"] as? String }
        var stored: [RastroProcess.Result] = []
        for id in ids { stored.append(try await RastroProcess.run(["trace", id, "--json"], directory: folder)) }
        #expect(stored.allSatisfy { $0.status == 0 && $0.stderr.contains("as traced by the analysis of") }, "\(stored.map(\.stderr))")
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(try await RastroProcess.run(["ingest", "world/organizations.csv"], directory: folder).status == 0)
        var rebuilt: [RastroProcess.Result] = []
        for id in ids { rebuilt.append(try await RastroProcess.run(["trace", id, "--json"], directory: folder)) }
        #expect(rebuilt.allSatisfy { $0.status == 0 && $0.stderr.contains("traced now from the records") }, "\(rebuilt.map(\.stderr))")
        #expect(stored.map(\.stdout) == rebuilt.map(\.stdout))
        #expect(stored.contains { ((try? JSONSerialization.jsonObject(with: Data($0.stdout.utf8)) as? [String: Any])?["steps"] as? [Any])?.isEmpty == false })
    }

    @Test func demoRunsTheWholeJobAndKeepsOtherStoresSafe() async throws {
        let folder = try Fixtures.folder([:])
        let demo = try await RastroProcess.run(["demo", "--no-serve"], directory: folder)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("top areas") && demo.stdout.contains("ROC AUC"))
        // A store the demo did not make is not replaced.
        #expect(try await RastroProcess.run(["init", "--database", "sqlite:mine.db", "--organization", "MX-X", "--country", "MX"],
                                      directory: folder).status == 0)
        let refused = try await RastroProcess.run(["demo", "--database", "mine.db", "--no-serve"], directory: folder)
        #expect(refused.status == 2 && refused.stderr.contains("not made by"))
    }
}
