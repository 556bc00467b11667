import Foundation
import RastroAnalysis
import RastroIngest
import RastroModel
import RastroResolve
import RastroSim
import RastroStore
import RastroTesting
import Testing

/// The whole analysis on a simulated world: findings that keep the contract, the same findings
/// for the same store, and scores that beat chance by a margin.
@Suite struct AnalyzerTests {
    @Test func analysisOfASmallWorldKeepsTheContractAndIsDeterministic() async throws {
        let folder = TestScratch.path("analysis").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Simulator.run(SimulationOptions(seed: 44, scale: .small), to: folder)
        let test = try await TestStore.make(.sqlite, organization: "MX-FUSION", country: "MX")
        defer { Task { await test.dispose() } }
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([folder])
        let (mentions, markings) = try await MentionReader.read(in: test.store, viewer: test.settings.processingViewer)
        let outcome = Resolution().run(mentions: mentions, markings: markings, decisions: [], state: ResolutionState(), reestimate: false,
                                       node: "MX-FUSION", actor: "test", runID: "r1", startedAt: "2026-01-01T00:00:00Z",
                                       now: { "2026-01-01T00:00:00Z" })
        var entityOf: [Mention: String] = [:]
        for (index, mention) in mentions.enumerated() { entityOf[mention.mention] = outcome.entityOf[index] }
        let index = EntityIndex(entityOf: entityOf, names: Dictionary(outcome.write.entities.map { ($0.entityID, $0.name) }) { a, _ in a },
                                associations: outcome.write.associations)
        let data = try await AnalysisData.load(from: test.store, viewer: test.settings.processingViewer)
        #expect(data.unreadable.isEmpty)
        let first = Analyzer().analyze(data, entities: index)
        let second = Analyzer().analyze(data, entities: index)
        let findings = first.findings(entityIndex: index, mentions: mentions.map(\.mention))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = try encoder.encode(findings)
        #expect(bytes == (try encoder.encode(second.findings(entityIndex: index, mentions: mentions.map(\.mention)))))

        // The contract: every consignment once, risk in [0, 1]; every mention in exactly one entity;
        // areas best first.
        let truth = try Evaluator.readTruth(at: folder + "/truth.json")
        let decoded = try JSONDecoder().decode(Findings.self, from: bytes)
        #expect(Set(decoded.consignments.map(\.consignmentID)) == Set(truth.consignmentIDs))
        #expect(decoded.consignments.count == truth.consignmentIDs.count)
        #expect(decoded.consignments.allSatisfy { (0...1).contains($0.risk) })
        let listed = decoded.entities.flatMap(\.mentions)
        #expect(listed.count == Set(listed).count)
        #expect(Set(listed) == Set(truth.mentions.map(\.mention)))
        let scores = decoded.areas.compactMap(\.score)
        #expect(scores == scores.sorted(by: >))
        let json = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        #expect(Set(json.keys) == ["consignments", "entities", "areas"])

        // Every score lists its reasons with evidence ids.
        for assessment in first.consignments where assessment.risk >= 0.5 {
            #expect(!assessment.reasons.isEmpty && assessment.reasons.allSatisfy { !$0.evidence.isEmpty })
        }
        // Every reason says its sentence as a message in both languages: the English one is the
        // detail, every slot filled, and the Spanish one differs.
        let reasons = (first.consignments + first.entities).flatMap(\.reasons)
        #expect(reasons.count > 100)
        var keys: Set<String> = []
        for reason in reasons {
            let text = try #require(reason.text, "\(reason.rule): no message")
            keys.insert(text.key)
            let spanish = ReasonTemplates.render(text, language: "es")
            #expect(ReasonTemplates.render(text, language: "en") == reason.detail)
            #expect(!reason.detail.contains("{") && !spanish.contains("{"), "\(reason.detail) / \(spanish)")
            #expect(spanish != reason.detail, "\(reason.detail)")
        }
        #expect(keys.count >= 10, "\(keys.sorted())")
        // Better than chance by a margin on this world (the targets are measured on unseen medium worlds).
        let evaluation = Evaluator.evaluate(findings: decoded, truth: truth)
        #expect((evaluation.consignments.auc ?? 0) > 0.75, "AUC \(evaluation.consignments.auc ?? 0)")
    }
}
