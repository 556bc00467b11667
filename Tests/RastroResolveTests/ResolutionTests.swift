import Foundation
import RastroIngest
import RastroModel
import RastroResolve
import RastroSim
import RastroStore
import RastroTesting
import Testing

/// Stored, incremental resolution: a run that reuses the last one's work gives the entities a
/// run from scratch with the same model gives, and analysts' decisions hold in every later run.
@Suite struct ResolutionTests {
    static func clock() -> String { Timestamp.format(epoch: Int64(Date().timeIntervalSince1970)) }

    func run(_ mentions: [PartyMention], _ markings: [Marking], state: ResolutionState, decisions: [ResolutionDecision] = [],
             reestimate: Bool = false, maxBlock: Int = 400) -> Resolution.Outcome {
        var options = Resolver.Options()
        options.maxBlock = maxBlock
        return Resolution(resolver: Resolver(options: options)).run(mentions: mentions, markings: markings, decisions: decisions, state: state, reestimate: reestimate,
                         node: "MX-FUSION", actor: "test", runID: UUID().uuidString, startedAt: Self.clock(), now: Self.clock)
    }

    /// The partition of mentions an outcome makes (entity ids aside).
    func partition(_ mentions: [PartyMention], _ entityOf: [String]) -> Set<Set<Mention>> {
        var groups: [String: Set<Mention>] = [:]
        for (index, entity) in entityOf.enumerated() { groups[entity, default: []].insert(mentions[index].mention) }
        return Set(groups.values)
    }

    /// The partition the store holds after a run.
    func storedPartition(_ store: Store) async throws -> Set<Set<Mention>> {
        let state = try await store.resolutionState()
        var groups: [String: Set<Mention>] = [:]
        for (mention, fingerprint) in try await store.resolvedMentions() {
            groups[try #require(state.profiles[fingerprint]).entityID, default: []].insert(mention)
        }
        return Set(groups.values)
    }

    @Test(arguments: TestBackend.all)
    func incrementalEqualsAFullRunWithTheSameModel(_ backend: TestBackend) async throws {
        let folder = TestScratch.path("incremental").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Simulator.run(SimulationOptions(seed: 33, scale: .small), to: folder)
        let test = try await TestStore.make(backend, organization: "MX-FUSION", country: "MX")
        defer { Task { await test.dispose() } }
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([folder])
        let (all, markings) = try await MentionReader.read(in: test.store, viewer: test.settings.processingViewer)
        // The first run sees four mentions in five.
        let first = all.indices.filter { $0 % 5 != 0 }
        let initial = run(first.map { all[$0] }, first.map { markings[$0] }, state: try await test.store.resolutionState())
        #expect(initial.write.run.mode == "full")
        try await test.store.writeResolution(initial.write)
        let afterFirst = try await test.store.resolutionState()

        // New data: only the changed part is compared and clustered again …
        let incremental = run(all, markings, state: afterFirst)
        #expect(incremental.write.run.mode == "incremental")
        #expect(incremental.compared < incremental.candidatePairs)
        #expect(incremental.recomputed < incremental.components)
        try await test.store.writeResolution(incremental.write)
        // … and the result is the one a run from nothing gets with the same model.
        let scratch = ResolutionState(lastRun: afterFirst.lastRun)
        let fromNothing = run(all, markings, state: scratch)
        #expect(fromNothing.recomputed == fromNothing.components)
        let same = partition(all, incremental.entityOf) == partition(all, fromNothing.entityOf)
        #expect(same)
        #expect(try await storedPartition(test.store) == partition(all, incremental.entityOf))
        // Unchanged entities kept their ids.
        let kept = Set(afterFirst.profiles.values.map(\.entityID)).intersection(incremental.entityOf)
        #expect(kept.count * 2 > Set(afterFirst.profiles.values.map(\.entityID)).count)

        // Nothing new: nothing is compared or clustered, nothing changes.
        let again = run(all, markings, state: try await test.store.resolutionState())
        #expect(again.compared == 0 && again.recomputed == 0)
        #expect(again.entityOf == incremental.entityOf)
        try await test.store.writeResolution(again.write)

        // Data removed: the removal path (everything compared again) also equals a run from nothing.
        let fewer = all.indices.filter { $0 % 7 != 3 }
        let shrunk = run(fewer.map { all[$0] }, fewer.map { markings[$0] }, state: try await test.store.resolutionState())
        let shrunkFromNothing = run(fewer.map { all[$0] }, fewer.map { markings[$0] }, state: scratch)
        let sameAfterRemoval = partition(fewer.map { all[$0] }, shrunk.entityOf) == partition(fewer.map { all[$0] }, shrunkFromNothing.entityOf)
        #expect(sameAfterRemoval)
        try await test.store.writeResolution(shrunk.write)
        #expect(try await storedPartition(test.store) == partition(fewer.map { all[$0] }, shrunk.entityOf))

        // A write based on an older run is refused (another run finished in between).
        await #expect(throws: StoreError.self) { try await test.store.writeResolution(again.write) }
    }

    /// What the store holds after `write`, kept in memory.
    func applied(_ write: ResolutionWrite, to state: ResolutionState) -> ResolutionState {
        var profiles = write.replaceAll ? [:] : state.profiles
        for fingerprint in write.deleteFingerprints { profiles[fingerprint] = nil }
        for row in write.profiles {
            profiles[row.fingerprint] = .init(entityID: row.entityID, component: row.component, attributes: row.attributes)
        }
        var pairs = write.replaceAll ? [:] : state.componentPairs
        for component in write.deleteComponents { pairs[component] = nil }
        for (component, text) in write.components { pairs[component] = text }
        return ResolutionState(lastRun: write.run, profiles: profiles, componentPairs: pairs)
    }

    /// With small blocks, new and vanished profiles push blocks and name words across the size
    /// limit, which changes candidate pairs between old profiles: still equal to a run from nothing.
    @Test func incrementalStaysExactWhenBlocksCrossTheSizeLimit() async throws {
        let folder = TestScratch.path("incremental").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Simulator.run(SimulationOptions(seed: 34, scale: .small), to: folder)
        let test = try await TestStore.make(.sqlite, organization: "MX-FUSION", country: "MX")
        defer { Task { await test.dispose() } }
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([folder])
        let (all, markings) = try await MentionReader.read(in: test.store, viewer: test.settings.processingViewer)
        for maxBlock in [3, 12] {
            var state = ResolutionState()
            var forcedSomewhere = false
            // Grow by thirds, then shrink: each step incremental, each equal to a run from nothing.
            let steps = [all.indices.filter { $0 % 3 == 0 }, all.indices.filter { $0 % 3 != 2 }, Array(all.indices),
                         all.indices.filter { $0 % 4 != 1 }]
            for (step, chosen) in steps.enumerated() {
                let mentions = chosen.map { all[$0] }, marks = chosen.map { markings[$0] }
                let outcome = run(mentions, marks, state: state, maxBlock: maxBlock)
                if step > 0 {
                    #expect(outcome.write.run.mode == "incremental")
                    let scratch = run(mentions, marks, state: ResolutionState(lastRun: state.lastRun), maxBlock: maxBlock)
                    let same = partition(mentions, outcome.entityOf) == partition(mentions, scratch.entityOf)
                    #expect(same, "maxBlock \(maxBlock), step \(step)")
                    forcedSomewhere = forcedSomewhere || outcome.recomputed > 0
                }
                state = applied(outcome.write, to: state)
            }
            #expect(forcedSomewhere)
        }
    }

    @Test func decisionsHoldInEveryLaterRun() async throws {
        // Three spellings of one importer and an unrelated party with the same phone.
        func mention(_ id: String, _ name: String, tax: String?, phone: String? = nil) -> PartyMention {
            PartyMention(mention: Mention(kind: .organizations, id: id, role: .self), name: name, taxID: tax,
                         address: "Av. Juárez 120, Col. Centro, C.P. 28000", city: "Colima", state: "Colima", country: "MX", phone: phone)
        }
        var mentions = [
            mention("ORG-1", "Química del Pacífico, S.A. de C.V.", tax: "QPA150312AB1", phone: "312 555 0101"),
            mention("ORG-2", "QUIMICA DEL PACIFICO SA DE CV", tax: "QPA150312AB1"),
            mention("ORG-3", "Quim. del Pacifico", tax: nil, phone: "312 555 0101"),
        ]
        for index in 0..<40 {
            mentions.append(PartyMention(mention: Mention(kind: .organizations, id: "ORG-X\(index)", role: .self),
                                         name: "Distribuidora Número \(index) del Norte", taxID: nil,
                                         address: "Calle \(index) 5, C.P. \(64000 + index)", country: "MX"))
        }
        let markings = mentions.map { _ in Marking(tlp: .amber, releasableTo: ["MX"], originator: "MX-SAT") }
        let first = run(mentions, markings, state: ResolutionState())
        let one = first.entityOf[0]
        #expect(first.entityOf[1] == one && first.entityOf[2] == one)

        func decision(_ number: Int, _ action: ResolutionDecision.Action, _ a: Int, _ b: Int) -> ResolutionDecision {
            ResolutionDecision(decisionID: number, action: action, left: mentions[a].mention, right: mentions[b].mention,
                               actor: "analyst", note: "", madeAt: Self.clock())
        }
        let state = applied(first.write, to: ResolutionState())
        let decisions = [decision(1, .split, 0, 2), decision(2, .confirm, 3, 4)]
        for reestimate in [false, true] {
            let later = run(mentions, markings, state: state, decisions: decisions, reestimate: reestimate)
            #expect(later.entityOf[0] != later.entityOf[2], "split holds (reestimate: \(reestimate))")
            #expect(later.entityOf[0] == later.entityOf[1])
            #expect(later.entityOf[3] == later.entityOf[4], "confirm holds (reestimate: \(reestimate))")
            #expect(later.warnings.isEmpty)
            #expect(later.write.links.contains { $0.source == "confirm #2" })
        }
        // A confirm that a split contradicts is not applied, and says so.
        let contradicted = run(mentions, markings, state: state, decisions: decisions + [decision(3, .confirm, 1, 2), decision(4, .confirm, 0, 1)])
        #expect(contradicted.entityOf[0] != contradicted.entityOf[2])
        #expect(contradicted.warnings.contains { $0.contains("#3") || $0.contains("#4") })
        // A decision on a mention no longer in the data is reported, not fatal.
        var gone = decision(5, .split, 0, 1)
        gone.left = Mention(kind: .organizations, id: "ORG-GONE", role: .self)
        #expect(run(mentions, markings, state: state, decisions: [gone]).warnings.first?.contains("not in the data") == true)
    }

    @Test func anEntityIsMarkedAsItsMostRestrictiveMember() {
        let combined = Marking.mostRestrictive([
            Marking(tlp: .green, originator: "MX-SAT"),
            Marking(tlp: .amber, releasableTo: ["MX", "US", "US-DEA"], originator: "MX-SAT"),
            Marking(tlp: .amberStrict, releasableTo: ["US-DEA", "MX-FGR"], originator: "MX-COFEPRIS"),
        ], originator: "MX-FUSION")
        #expect(combined.tlp == .amberStrict && combined.releasableTo == ["US-DEA"] && combined.originator == "MX-FUSION")
        #expect(Marking.mostRestrictive([Marking(tlp: .clear, originator: "A"), Marking(tlp: .green, originator: "B")], originator: "N")
            == Marking(tlp: .green, originator: "N"))
        #expect(Marking.mostRestrictive([Marking(tlp: .amber, releasableTo: ["US"], originator: "A"), Marking(tlp: .red, originator: "B")],
                                        originator: "N") == Marking(tlp: .red, originator: "N"))
    }
}
