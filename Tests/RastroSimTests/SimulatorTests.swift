import Foundation
import RastroIngest
import RastroModel
import RastroSim
import RastroStore
import RastroTesting
import Testing

/// `rastro simulate`: deterministic, loadable without a rejected row, consistent with its truth,
/// scored 1.0 by the evaluator on findings made from that truth and chance on random ones, and no
/// single declared field of a consignment gives its scheme away.
@Suite struct SimulatorTests {
    /// One small world per test process (seed 11), written once.
    static let small: (folder: String, summary: Simulator.Summary, truth: Truth) = {
        let folder = TestScratch.path("world").path
        do {
            let summary = try Simulator.run(SimulationOptions(seed: 11, scale: .small), to: folder)
            let truth = try Evaluator.readTruth(at: folder + "/truth.json")
            return (folder, summary, truth)
        } catch {
            preconditionFailure("the small world could not be simulated: \(error)")
        }
    }()

    static let medium: (folder: String, truth: Truth) = {
        let folder = TestScratch.path("world").path
        do {
            _ = try Simulator.run(SimulationOptions(seed: 5, scale: .medium), to: folder)
            return (folder, try Evaluator.readTruth(at: folder + "/truth.json"))
        } catch {
            preconditionFailure("the medium world could not be simulated: \(error)")
        }
    }()

    static func bytes(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return files
    }

    @Test func sameSeedSameBytesOtherSeedOtherWorld() throws {
        let again = TestScratch.path("world").path
        defer { try? FileManager.default.removeItem(atPath: again) }
        _ = try Simulator.run(SimulationOptions(seed: 11, scale: .small), to: again)
        let first = try Self.bytes(Self.small.folder), second = try Self.bytes(again)
        #expect(Set(first.keys) == ["organizations.csv", "consignments.csv", "transfers.csv", "legs.csv", "track_points.csv",
                                    "usage_reports.csv", "observations.ndjson", "incidents.csv", "truth.json", "scenario.md"])
        for name in first.keys.sorted() { #expect(first[name] == second[name], "\(name) differs between two runs of one seed") }
        let other = TestScratch.path("world").path
        defer { try? FileManager.default.removeItem(atPath: other) }
        _ = try Simulator.run(SimulationOptions(seed: 12, scale: .small), to: other)
        #expect(try Self.bytes(other)["consignments.csv"] != first["consignments.csv"])
    }

    @Test(arguments: TestBackend.all)
    func everyFileLoadsWithoutARejectedRow(_ backend: TestBackend) async throws {
        let test = try await TestStore.make(backend, organization: "MX-FUSION", country: "MX")
        defer { Task { await test.dispose() } }
        let report = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([Self.small.folder])
        #expect(report.allLoaded)
        for file in report.files {
            #expect(file.counts.rejected == 0 && file.problems.isEmpty, "\(file.file.path): \(file.problems.first?.description ?? "")")
            let name = (file.file.path as NSString).lastPathComponent
            #expect(file.counts.inserted == Self.small.summary.files[name], "\(name)")
        }
        // The node's analysts see everything the agencies shared with the country.
        let stats = try await test.store.stats(viewer: test.settings.viewer)
        #expect(stats.reduce(0) { $0 + $1.records } == Self.small.summary.files.values.reduce(0, +))
    }

    /// Every diverted consignment exists; every party mention in the data is in the truth with an
    /// entity, and nothing else is.
    @Test func truthIsConsistentWithTheData() async throws {
        let truth = Self.small.truth
        let test = try await TestStore.make(.sqlite, organization: "MX-FUSION", country: "MX")
        defer { Task { await test.dispose() } }
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions()).run([Self.small.folder])
        func records(_ kind: Kind) async throws -> [Record] {
            try await test.store.currentRecords(kind, viewer: test.settings.viewer, limit: 1_000_000)
        }
        let consignments = try await records(.consignments)
        #expect(Set(consignments.map(\.id)) == Set(truth.consignmentIDs))
        #expect(truth.divertedConsignments.count >= 10)
        #expect(truth.divertedConsignments.allSatisfy { truth.consignmentIDs.contains($0.consignmentID) && $0.divertedKg > 0 })
        let labs = Set((truth.labs + truth.raidedLabs).map(\.labID))
        #expect(truth.divertedConsignments.allSatisfy { $0.labID.map(labs.contains) ?? true })
        #expect(truth.labs.allSatisfy { (14...33).contains($0.lat) && (-118 ... -86).contains($0.lon) })

        // The mentions the contract defines, read back from the store.
        var expected: Set<Mention> = []
        for record in try await records(.organizations) { expected.insert(Mention(kind: .organizations, id: record.id, role: .self)) }
        for record in consignments {
            expected.insert(Mention(kind: .consignments, id: record.id, role: .importer))
            if record["exporter_name"] != .null { expected.insert(Mention(kind: .consignments, id: record.id, role: .exporter)) }
        }
        for record in try await records(.transfers) {
            expected.insert(Mention(kind: .transfers, id: record.id, role: .from))
            expected.insert(Mention(kind: .transfers, id: record.id, role: .to))
        }
        for record in try await records(.usageReports) { expected.insert(Mention(kind: .usageReports, id: record.id, role: .reporter)) }
        for record in try await records(.incidents) {
            guard case .text(let names) = record["entity_names"] else { continue }
            for slot in names.split(separator: ";", omittingEmptySubsequences: false).indices {
                expected.insert(Mention(kind: .incidents, id: "\(record.id)#\(slot)", role: .named))
            }
        }
        let mentions = truth.mentions.map(\.mention)
        #expect(Set(mentions).count == mentions.count, "a mention appears twice in the truth")
        #expect(Set(mentions) == expected)
        let entities = Set(truth.entities.map(\.entityID))
        #expect(truth.mentions.allSatisfy { entities.contains($0.entityID) })
        // Name variation is real: some entity is mentioned under several spellings.
        #expect(Dictionary(grouping: truth.mentions, by: \.entityID).values.contains { $0.count > 5 })

        // Every transfer's true lot is a consignment of the world, and a transfer that names a
        // consignment names that one.
        let lots = try #require(truth.transferLots)
        let transfers = try await records(.transfers)
        #expect(Set(lots.keys) == Set(transfers.map(\.id)))
        #expect(lots.values.allSatisfy { truth.consignmentIDs.contains($0) })
        let named = transfers.compactMap { record -> (String, String)? in
            guard case .text(let lot) = record["consignment_id"] else { return nil }
            return (record.id, lot)
        }
        #expect(!named.isEmpty && named.count < transfers.count)
        #expect(named.allSatisfy { lots[$0.0] == $0.1 })
    }

    @Test func evaluatorScoresTheTruthOneAndRandomFindingsChance() throws {
        let truth = Self.medium.truth
        let diverted = Set(truth.divertedConsignments.map(\.consignmentID))
        var clusters: [String: [Mention]] = [:]
        for mention in truth.mentions { clusters[mention.entityID, default: []].append(mention.mention) }
        let perfect = Findings(
            consignments: truth.consignmentIDs.map { .init(consignmentID: $0, risk: diverted.contains($0) ? 1 : 0) },
            entities: clusters.keys.sorted().map { .init(entityID: $0, mentions: clusters[$0]!) },
            areas: truth.labs.map { .init(lat: $0.lat, lon: $0.lon) })
        let best = Evaluator.evaluate(findings: perfect, truth: truth)
        #expect(best.consignments.auc == 1 && best.consignments.precisionAtK == 1 && best.consignments.recallAtHalf == 1)
        #expect(best.entities.precision == 1 && best.entities.recall == 1 && best.entities.f1 == 1)
        #expect(best.areas.hitAtL == 1 && best.areas.precisionAtL == 1 && best.areas.hitAt2L == 1)

        var random = SystemRandomNumberGenerator()
        let noise = Findings(
            consignments: truth.consignmentIDs.map { .init(consignmentID: $0, risk: Double.random(in: 0...1, using: &random)) },
            entities: truth.mentions.enumerated().map { index, mention in .init(entityID: "R\(index % 97)", mentions: [mention.mention]) },
            areas: (0..<truth.labs.count).map { _ in
                .init(lat: Double.random(in: 15...32, using: &random), lon: Double.random(in: -117 ... -87, using: &random))
            })
        let chance = Evaluator.evaluate(findings: noise, truth: truth)
        let auc = try #require(chance.consignments.auc)
        #expect(abs(auc - 0.5) < 0.08)
        let baseRate = Double(diverted.count) / Double(truth.consignmentIDs.count)
        #expect(try #require(chance.consignments.precisionAtK) < baseRate + 0.08)
        #expect(chance.entities.f1 < 0.1)
        #expect(try #require(chance.areas.precisionAtL) < 0.5)
    }

    /// Make it as hard as the real thing: no declared field of a consignment, on its own, ranks
    /// diverted consignments well (5-fold cross-validated AUC of the field's smoothed diverted
    /// rate per value, on the medium world).
    @Test func noSingleConsignmentFieldGivesASchemeAway() async throws {
        let truth = Self.medium.truth
        let diverted = Set(truth.divertedConsignments.map(\.consignmentID))
        let test = try await TestStore.make(.sqlite, organization: "MX-FUSION", country: "MX")
        defer { Task { await test.dispose() } }
        _ = try await Ingestor(store: test.store, settings: test.settings, options: IngestOptions())
            .run([Self.medium.folder + "/consignments.csv"])
        let rows = try await test.store.currentRecords(.consignments, viewer: test.settings.viewer, limit: 1_000_000)
        let labels = rows.map { diverted.contains($0.id) }
        #expect(rows.count == truth.consignmentIDs.count)
        let fields: [(String, (Record) -> String)] = [
            ("chemical", { $0["chemical_cas"].display + "|" + $0["chemical_name"].display }),
            ("port", { $0["port_locode"].display }), ("exporter country", { $0["exporter_country"].display }),
            ("origin port", { $0["origin_port_locode"].display }), ("hs code", { $0["hs_code"].display }),
            ("declared use", { $0["declared_use"].display }), ("pen reference given", { $0["pen_reference"] == .null ? "no" : "yes" }),
            ("tax id given", { $0["importer_tax_id"] == .null ? "no" : "yes" }),
            ("quantity (0.1 log10)", { record in
                guard case .number(let kg) = record["quantity_kg"] else { return "" }
                return String(Int((log10(max(kg, 0.1)) * 10).rounded()))
            }),
            ("month", { String($0["arrival_date"].display.prefix(7)) }), ("importer name", { $0["importer_name"].display }),
        ]
        for (name, key) in fields {
            let auc = Self.crossValidatedAUC(rows.map(key), labels)
            #expect(auc < 0.85, "\(name) alone ranks diverted consignments with AUC \(auc)")
        }
    }

    static func crossValidatedAUC(_ values: [String], _ labels: [Bool]) -> Double {
        let base = Double(labels.filter { $0 }.count) / Double(labels.count)
        var scores = [Double](repeating: 0, count: values.count)
        for fold in 0..<5 {
            var counts: [String: (positive: Double, total: Double)] = [:]
            for index in values.indices where index % 5 != fold {
                counts[values[index], default: (0, 0)].positive += labels[index] ? 1 : 0
                counts[values[index], default: (0, 0)].total += 1
            }
            for index in values.indices where index % 5 == fold {
                let count = counts[values[index]] ?? (0, 0)
                scores[index] = (count.positive + base * 5) / (count.total + 5)
            }
        }
        let findings = Findings(consignments: scores.indices.map { .init(consignmentID: "c\($0)", risk: scores[$0]) })
        let truth = Truth(seed: 0, scale: "test", difficulty: "test", periodStart: "", periodEnd: "",
                          consignmentIDs: scores.indices.map { "c\($0)" },
                          divertedConsignments: labels.indices.filter { labels[$0] }.map {
                              .init(consignmentID: "c\($0)", scheme: .frontImporter, schemes: [.frontImporter], divertedKg: 1, labID: nil)
                          },
                          entities: [], mentions: [], labs: [], raidedLabs: [], schemes: [])
        return Evaluator.evaluate(findings: findings, truth: truth).consignments.auc ?? 0.5
    }
}
