import Foundation
import RastroTesting
import Testing

/// End-to-end: simulate, ingest, resolve (with an explanation and findings), evaluate.
@Suite struct ResolveCommandTests {
    @Test func resolveExplainsAndWritesFindingsThatEvaluateScores() async throws {
        let folder = try Fixtures.folder([:])
        #expect(try await RastroProcess.run(["simulate", "--seed", "5", "--out", "world"], directory: folder).status == 0)
        #expect(try await RastroProcess.run(["init", "--organization", "MX-FUSION", "--country", "MX"], directory: folder).status == 0)
        #expect(try await RastroProcess.run(["ingest", "world"], directory: folder).status == 0)
        let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/world/truth.json")))
            as? [String: Any])
        let mentions = try #require(truth["mentions"] as? [[String: String]])
        let importer = try #require(mentions.first { $0["role"] == "importer" })
        let other = try #require(mentions.first { $0["entity_id"] != importer["entity_id"] && $0["role"] == "importer" })
        func text(_ mention: [String: String]) -> String { "\(mention["kind"]!):\(mention["id"]!):\(mention["role"]!)" }

        let result = try await RastroProcess.run(["resolve", "--findings-out", "entities.json", "--explain", text(importer),
                                            "--explain", text(other), "--json"], directory: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let explanation = try #require(report["explanation"] as? [String: Any])
        let fields = try #require(explanation["fields"] as? [[String: Any]])
        #expect(fields.map { $0["field"] as? String } == ["name", "tax_id", "address", "postal_code", "phone", "email", "country", "legal_form"])
        #expect((explanation["probability"] as? Double).map { (0...1).contains($0) } == true)

        let evaluation = try await RastroProcess.run(["evaluate", "--truth", "world/truth.json", "--findings", "entities.json", "--json"],
                                               directory: folder)
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        let scores = try #require(try JSONSerialization.jsonObject(with: Data(evaluation.stdout.utf8)) as? [String: Any])
        let entities = try #require(scores["entities"] as? [String: Any])
        #expect((entities["f1"] as? Double ?? 0) > 0.9)

        let bad = try await RastroProcess.run(["resolve", "--explain", "consignments:X"], directory: folder)
        #expect(bad.status == 2)
        let unknown = try await RastroProcess.run(["resolve", "--explain", "consignments:NOPE:importer", "--explain", text(other)], directory: folder)
        #expect(unknown.status == 2 && unknown.stderr.contains("no such mention"))
    }

    @Test func decisionsPersistAcrossRunsAndEntityShowsThem() async throws {
        let folder = try Fixtures.folder([:])
        #expect(try await RastroProcess.run(["simulate", "--seed", "8", "--out", "world"], directory: folder).status == 0)
        #expect(try await RastroProcess.run(["init", "--organization", "MX-FUSION", "--country", "MX"], directory: folder).status == 0)
        #expect(try await RastroProcess.run(["ingest", "world"], directory: folder).status == 0)
        func json(_ arguments: [String]) async throws -> Any {
            let result = try await RastroProcess.run(arguments + ["--json"], directory: folder)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        }
        let first = try #require(try await json(["resolve", "--findings-out", "entities.json"]) as? [String: Any])
        #expect(first["mode"] as? String == "full")
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/entities.json")))
            as? [String: Any])
        let entities = try #require(findings["entities"] as? [[String: Any]])
        // Two mentions of one organization-less entity with at least three transfers' mentions.
        let big = try #require(entities.first { ($0["mentions"] as? [[String: String]])?.filter { $0["kind"] == "transfers" }.count ?? 0 >= 3 })
        let members = try #require(big["mentions"] as? [[String: String]]).filter { $0["kind"] == "transfers" }
        func text(_ mention: [String: String]) -> String { "\(mention["kind"]!):\(mention["id"]!):\(mention["role"]!)" }
        let (a, b, c) = (text(members[0]), text(members[1]), text(members[2]))
        func memberIDs(_ target: String) async throws -> Set<String> {
            let entity = try #require(try await json(["entity", target]) as? [String: Any])
            return Set(try #require(entity["members"] as? [[String: Any]]).compactMap { member in
                (member["mention"] as? [String: String]).map(text)
            })
        }
        #expect(try await memberIDs(a).contains(b))

        // Split: kept apart by every later run, incremental or full.
        let split = try await RastroProcess.run(["resolve", "split", a, b, "--note", "different plants"], directory: folder)
        #expect(split.status == 0 && split.stdout.contains("decision #1"), "\(split.stderr)")
        let second = try #require(try await json(["resolve"]) as? [String: Any])
        #expect(second["mode"] as? String == "incremental")
        #expect((second["recomputed"] as? Int ?? 0) < (second["components"] as? Int ?? 0))
        #expect(try await !memberIDs(a).contains(b))
        _ = try await json(["resolve", "--reestimate"])
        #expect(try await !memberIDs(a).contains(b))
        let decisions = try #require(try await json(["resolve", "decisions"]) as? [[String: Any]])
        #expect(decisions.count == 1 && decisions.first?["note"] as? String == "different plants")

        // Confirm replaces the split; a split that confirms contradict is refused.
        let confirm = try await RastroProcess.run(["resolve", "confirm", a, b], directory: folder)
        #expect(confirm.status == 0 && confirm.stdout.contains("revoked decision #1"), "\(confirm.stderr)")
        _ = try await json(["resolve"])
        #expect(try await memberIDs(a).contains(b))
        #expect(try await RastroProcess.run(["resolve", "confirm", b, c], directory: folder).status == 0)
        let contradiction = try await RastroProcess.run(["resolve", "split", a, c], directory: folder)
        #expect(contradiction.status == 2 && contradiction.stderr.contains("contradicts"))
        #expect(try await RastroProcess.run(["resolve", "revoke", "3"], directory: folder).status == 0)
        #expect(try await RastroProcess.run(["resolve", "revoke", "3"], directory: folder).status == 2)
        let all = try #require(try await json(["resolve", "decisions", "--all"]) as? [[String: Any]])
        #expect(all.count == 3 && all.filter { $0["revokedAt"] != nil }.count == 2)

        // --explain shows the pairs that joined the members, field by field.
        let explained = try #require(try await json(["entity", a, "--explain"]) as? [String: Any])
        let links = try #require(explained["links"] as? [[String: Any]])
        #expect(!links.isEmpty && links.allSatisfy { ($0["fields"] as? [Any])?.count == 8 })
        #expect((explained["linkSources"] as? [String])?.contains("confirm #2") == true)
        let listing = try #require(try await json(["entity", "--limit", "3"]) as? [[String: Any]])
        #expect(listing.count == 3)

        // Another organization sees only what its markings allow.
        let stranger = try await RastroProcess.run(["entity", a, "--as", "US-NOBODY", "--as-country", "US", "--json"], directory: folder)
        if stranger.status == 0 {
            let seen = try #require(try JSONSerialization.jsonObject(with: Data(stranger.stdout.utf8)) as? [String: Any])
            let tlps = try #require(seen["members"] as? [[String: Any]]).compactMap { $0["tlp"] as? String }
            #expect(tlps.allSatisfy { $0 == "clear" || $0 == "green" })
        } else {
            #expect(stranger.status == 1 && stranger.stderr.contains("that you may see"))
        }
        #expect(try await RastroProcess.run(["entity", "E-9999999"], directory: folder).status == 1)
        #expect(try await RastroProcess.run(["resolve", "split", a, "transfers:NOPE:to"], directory: folder).status == 2)
    }
}
