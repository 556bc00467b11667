import Foundation
import RastroIngest
import RastroModel
import RastroResolve
import RastroSim
import RastroStore
import RastroTesting
import Testing

/// Resolution on a simulated world, scored by `Evaluator` against the world's truth, read from
/// the store through the viewer like every other read.
@Suite struct SimulatedWorldTests {
    @Test(arguments: TestBackend.all)
    func resolvesASmallWorldWell(_ backend: TestBackend) async throws {
        let folder = TestScratch.path("world").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Simulator.run(SimulationOptions(seed: 21, scale: .small), to: folder)
        let truth = try Evaluator.readTruth(at: folder + "/truth.json")
        let test = try await TestStore.make(backend, organization: "MX-FUSION", country: "MX")
        defer { Task { await test.dispose() } }
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([folder])
        let mentions = try await MentionReader.mentions(in: test.store, viewer: test.settings.processingViewer)
        #expect(Set(mentions.map(\.mention)) == Set(truth.mentions.map(\.mention)))
        let result = Resolver().resolve(mentions)
        var groups: [Int: [Mention]] = [:]
        for (index, label) in result.labels.enumerated() { groups[label, default: []].append(mentions[index].mention) }
        let findings = Findings(entities: groups.map { Findings.EntityFinding(entityID: "R\($0.key)", mentions: $0.value) })
        let scores = Evaluator.evaluate(findings: findings, truth: truth).entities
        #expect(scores.precision > 0.95 && scores.recall > 0.95, "precision \(scores.precision), recall \(scores.recall)")
        // A viewer who may see nothing of it resolves nothing.
        let stranger = try await MentionReader.mentions(in: test.store, viewer: Viewer(organization: "US-X", country: "US"))
        #expect(stranger.allSatisfy { $0.mention.kind == Kind.organizations.rawValue })
    }
}
