import Foundation
import RastroModel
import RastroSim
import RastroTesting
import Testing

/// `Evaluator`: perfect findings score 1, random ones score chance, and small hand-computed cases
/// pin down ties, merges, splits, matching and the counting of what is missing or unknown.
@Suite struct EvaluationTests {
    // MARK: Building truths and findings by hand

    /// Labs spread over Mexico, far (> 100 km) from each other.
    static let labSites: [(lat: Double, lon: Double)] = [
        (20.67, -103.35), (19.43, -99.13), (25.67, -100.31), (21.16, -86.85), (32.52, -117.04), (16.75, -93.12),
    ]

    static func truth(consignments: [String] = [], diverted: [String] = [], mentions: [(Mention, String)] = [],
                      labs: [(lat: Double, lon: Double)] = []) -> Truth {
        Truth(seed: 7, scale: "test", difficulty: "easy", periodStart: "2026-01-01", periodEnd: "2026-03-31",
              consignmentIDs: consignments,
              divertedConsignments: diverted.map {
                  Truth.DivertedConsignment(consignmentID: $0, scheme: .frontImporter, schemes: [.frontImporter], divertedKg: 10, labID: nil)
              },
              entities: [],
              mentions: mentions.map { Truth.EntityMention($0.0, entityID: $0.1) },
              labs: labs.enumerated().map { index, site in
                  Truth.Lab(labID: "LAB-\(index)", lat: site.lat, lon: site.lon, city: "X", state: "Y", activeFrom: "2026-01-01")
              },
              raidedLabs: [], schemes: [])
    }

    static func mention(_ id: String) -> Mention { Mention(kind: "consignments", id: id, role: .importer) }

    static func entities(_ clusters: [[String]]) -> [Findings.EntityFinding] {
        clusters.enumerated().map { index, ids in
            Findings.EntityFinding(entityID: "P-\(index)", mentions: ids.map(mention))
        }
    }

    static func risks(_ pairs: [(String, Double)]) -> [Findings.ConsignmentFinding] {
        pairs.map { Findings.ConsignmentFinding(consignmentID: $0.0, risk: $0.1) }
    }

    /// Truth mentions from clusters of ids: cluster n is entity `E-n`.
    static func trueMentions(_ clusters: [[String]]) -> [(Mention, String)] {
        clusters.enumerated().flatMap { index, ids in ids.map { (mention($0), "E-\(index)") } }
    }

    // MARK: (a) Perfect findings

    @Test func findingsBuiltFromTheTruthScoreOne() throws {
        let ids = (0..<200).map { "C-\($0)" }
        let diverted = ids.filter { $0.hasSuffix("7") }
        var clusters: [[String]] = []
        var next = 0
        for size in [1, 2, 3, 4, 5, 1, 3, 2] {
            clusters.append((next..<next + size).map { "M-\($0)" })
            next += size
        }
        let truth = Self.truth(consignments: ids, diverted: diverted, mentions: Self.trueMentions(clusters), labs: Self.labSites)
        let findings = Findings(
            consignments: Self.risks(ids.map { ($0, diverted.contains($0) ? 1 : 0) }),
            entities: Self.entities(clusters),
            areas: truth.labs.map { Findings.AreaFinding(lat: $0.lat, lon: $0.lon) })
        let result = Evaluator.evaluate(findings: findings, truth: truth)

        #expect(result.consignments.auc == 1)
        #expect(result.consignments.precisionAtK == 1)
        #expect(result.consignments.recallAtHalf == 1)
        #expect(result.consignments.k == diverted.count)
        #expect(result.consignments.missing == 0 && result.consignments.unknown == 0 && result.consignments.duplicates == 0)
        #expect(result.entities.precision == 1 && result.entities.recall == 1 && result.entities.f1 == 1)
        #expect(result.entities.truePairs == 0 + 1 + 3 + 6 + 10 + 0 + 3 + 1)
        #expect(result.entities.missingMentions == 0)
        #expect(result.areas.hitAtL == 1 && result.areas.hitAt2L == 1 && result.areas.precisionAtL == 1)
        #expect(result.areas.hitAt10 == 1)
        // Only one lab can sit near the first area, so hit@1 is 1/L at best.
        #expect(result.areas.hitAt1 == 1.0 / 6 && result.areas.hitAt5 == 5.0 / 6)
    }

    // MARK: (b) Random findings

    @Test func randomFindingsScoreChance() throws {
        var random = SeededRandom(seed: 20_260_302)
        let count = 3000
        let ids = (0..<count).map { "C-\($0)" }
        let diverted = ids.filter { _ in Double.random(in: 0..<1, using: &random) < 0.1 }
        let mentionIDs = (0..<3000).map { "M-\($0)" }
        let truthMentions = mentionIDs.map { (Self.mention($0), "E-\(Int.random(in: 0..<300, using: &random))") }
        let labs = (0..<10).map { _ in (lat: Double.random(in: 19...23, using: &random), lon: Double.random(in: -105 ... -98, using: &random)) }
        let truth = Self.truth(consignments: ids, diverted: diverted, mentions: truthMentions, labs: labs)

        var predicted = [[String]](repeating: [], count: 300)
        for id in mentionIDs { predicted[Int.random(in: 0..<300, using: &random)].append(id) }
        let findings = Findings(
            consignments: Self.risks(ids.map { ($0, Double.random(in: 0...1, using: &random)) }),
            entities: Self.entities(predicted),
            areas: (0..<20).map { _ in
                Findings.AreaFinding(lat: Double.random(in: 19...23, using: &random), lon: Double.random(in: -105 ... -98, using: &random))
            })
        let result = Evaluator.evaluate(findings: findings, truth: truth)

        let baseRate = Double(diverted.count) / Double(count)
        let auc = try #require(result.consignments.auc)
        #expect(abs(auc - 0.5) < 0.05)
        #expect(abs((result.consignments.precisionAtK ?? 0) - baseRate) < 0.05)
        #expect(abs((result.consignments.recallAtHalf ?? 0) - 0.5) < 0.1)
        #expect(result.entities.precision < 0.05 && result.entities.recall < 0.05)
        #expect((result.areas.precisionAtL ?? 1) <= 0.2)
    }

    // MARK: (c) Consignments by hand

    @Test func equalRisksGiveHalfAUCAndTheBaseRate() {
        let ids = (0..<10).map { "C-\($0)" }
        let truth = Self.truth(consignments: ids, diverted: ["C-2", "C-5", "C-9"])
        let result = Evaluator.evaluate(findings: Findings(consignments: Self.risks(ids.map { ($0, 0.4) })), truth: truth)
        #expect(result.consignments.auc == 0.5)
        #expect(abs((result.consignments.precisionAtK ?? 0) - 0.3) < 1e-12)
        #expect(result.consignments.recallAtHalf == 0)
    }

    @Test func tiesTakeMidRanks() {
        // Positives 0.8, 0.5; negatives 0.5, 0.2. Pairs won: 0.8>0.5, 0.8>0.2, 0.5=0.5 (half),
        // 0.5>0.2 → 3.5 of 4.
        let truth = Self.truth(consignments: ["A", "B", "C", "D"], diverted: ["A", "B"])
        let result = Evaluator.evaluate(findings: Findings(consignments: Self.risks([("A", 0.8), ("B", 0.5), ("C", 0.5), ("D", 0.2)])),
                                        truth: truth)
        #expect(result.consignments.auc == 0.875)
        // k = 2: A, then one place for the tie {B, C} holding one positive → 1 + 1/2.
        #expect(result.consignments.precisionAtK == 0.75)
        #expect(result.consignments.recallAtHalf == 1)
    }

    @Test func aTieStraddlingKCountsExpectedPositives() {
        // k = 2; the top group {A, B, C} (risk 0.9) holds 2 positives over 3 places: 2 · 2/3.
        let truth = Self.truth(consignments: ["A", "B", "C", "D", "E"], diverted: ["A", "D"])
        let result = Evaluator.evaluate(
            findings: Findings(consignments: Self.risks([("A", 0.9), ("B", 0.9), ("C", 0.3), ("D", 0.9), ("E", 0.1)])), truth: truth)
        #expect(abs((result.consignments.precisionAtK ?? 0) - 2.0 / 3) < 1e-12)
    }

    @Test func missingUnknownAndDuplicateConsignmentsAreCounted() {
        // D (diverted) is missing → risk 0; X is unknown; the second A is a duplicate and ignored.
        let truth = Self.truth(consignments: ["A", "B", "C", "D"], diverted: ["A", "D"])
        let findings = Findings(consignments: Self.risks([("A", 0.9), ("B", 0.2), ("X", 1), ("A", 0), ("C", 0.1)]))
        let result = Evaluator.evaluate(findings: findings, truth: truth).consignments
        #expect(result.total == 4 && result.diverted == 2 && result.findings == 5)
        #expect(result.scored == 3 && result.missing == 1 && result.unknown == 1 && result.duplicates == 1)
        // Ascending: D 0 (+), C 0.1, B 0.2, A 0.9 (+): rank sum 1 + 4 = 5, U = 5 − 3 = 2 of 4.
        #expect(result.auc == 0.5)
        #expect(result.precisionAtK == 0.5)
        #expect(result.recallAtHalf == 0.5)
    }

    @Test func noPositivesOrNoNegativesGiveNil() {
        let none = Evaluator.evaluate(findings: Findings(consignments: Self.risks([("A", 0.3)])), truth: Self.truth(consignments: ["A", "B"]))
        #expect(none.consignments.auc == nil && none.consignments.precisionAtK == nil && none.consignments.recallAtHalf == nil)
        let all = Evaluator.evaluate(findings: Findings(), truth: Self.truth(consignments: ["A"], diverted: ["A"]))
        // All diverted: the one place of the top k is a positive whatever its risk (missing, so 0).
        #expect(all.consignments.auc == nil && all.consignments.precisionAtK == 1 && all.consignments.recallAtHalf == 0)
    }

    // MARK: (c) Entities by hand

    @Test func aMergeLowersPrecision() {
        // Truth {a b c} {d e}: 3 + 1 = 4 pairs. One predicted entity of all five: 10 pairs, 4 true.
        let truth = Self.truth(mentions: Self.trueMentions([["a", "b", "c"], ["d", "e"]]))
        let result = Evaluator.evaluate(findings: Findings(entities: Self.entities([["a", "b", "c", "d", "e"]])), truth: truth).entities
        #expect(result.truePairs == 4 && result.predictedPairs == 10 && result.truePositivePairs == 4)
        #expect(result.precision == 0.4)
        #expect(result.recall == 1)
        #expect(abs(result.f1 - 2 * 0.4 / 1.4) < 1e-12)
    }

    @Test func aSplitLowersRecall() {
        // Truth {a b c d}: 6 pairs. Predicted {a b} {c d}: 2 pairs, both true.
        let truth = Self.truth(mentions: Self.trueMentions([["a", "b", "c", "d"]]))
        let result = Evaluator.evaluate(findings: Findings(entities: Self.entities([["a", "b"], ["c", "d"]])), truth: truth).entities
        #expect(result.precision == 1)
        #expect(result.recall == 2.0 / 6)
        #expect(abs(result.f1 - 0.5) < 1e-12)
    }

    @Test func missingUnknownAndRepeatedMentionsAreCounted() {
        // Truth {a b c} {d e}. Findings: {a b z} {c a} — c is alone (a counts in the first
        // entity only), d and e are missing (singletons), z is unknown.
        let truth = Self.truth(mentions: Self.trueMentions([["a", "b", "c"], ["d", "e"]]))
        let result = Evaluator.evaluate(findings: Findings(entities: Self.entities([["a", "b", "z"], ["c", "a"]])), truth: truth).entities
        #expect(result.mentions == 5 && result.scoredMentions == 3 && result.missingMentions == 2)
        #expect(result.unknownMentions == 1 && result.repeatedMentions == 1)
        #expect(result.predictedEntities == 2 && result.trueEntities == 2)
        #expect(result.predictedPairs == 1 && result.truePositivePairs == 1 && result.truePairs == 4)
        #expect(result.precision == 1 && result.recall == 0.25)
    }

    @Test func emptySidesFollowTheConventions() {
        let truth = Self.truth(mentions: Self.trueMentions([["a", "b"], ["c"]]))
        // No findings at all: no predicted pairs → precision 1; recall 0 of 1 pair.
        let nothing = Evaluator.evaluate(findings: Findings(), truth: truth).entities
        #expect(nothing.precision == 1 && nothing.recall == 0 && nothing.f1 == 0)
        // A truth of singletons: no true pairs → recall 1; a wrong merge → precision 0, F1 0.
        let singletons = Self.truth(mentions: Self.trueMentions([["a"], ["b"]]))
        let merged = Evaluator.evaluate(findings: Findings(entities: Self.entities([["a", "b"]])), truth: singletons).entities
        #expect(merged.precision == 0 && merged.recall == 1 && merged.f1 == 0)
        let empty = Evaluator.evaluate(findings: Findings(), truth: Self.truth()).entities
        #expect(empty.precision == 1 && empty.recall == 1 && empty.f1 == 1)
    }

    @Test func mentionsDifferByRole() {
        // The same record in two roles is two mentions, of different parties here.
        let importer = Mention(kind: "consignments", id: "C-1", role: .importer)
        let exporter = Mention(kind: "consignments", id: "C-1", role: .exporter)
        let truth = Self.truth(mentions: [(importer, "E-1"), (exporter, "E-2")])
        let findings = Findings(entities: [Findings.EntityFinding(entityID: "P", mentions: [importer, exporter])])
        let result = Evaluator.evaluate(findings: findings, truth: truth).entities
        #expect(result.predictedPairs == 1 && result.truePositivePairs == 0 && result.precision == 0)
    }

    // MARK: (c) Areas by hand

    /// 1 km ≈ this many degrees of latitude on the evaluator's sphere.
    static let degreesPerKm = 180 / (Double.pi * Evaluator.earthRadiusKm)

    @Test func twoAreasOnOneLabMatchOnce() {
        // Labs far apart; both areas near lab 0: hit@2L = 1/2, and only one of the top 2 areas
        // finds a different lab.
        let truth = Self.truth(labs: [Self.labSites[0], Self.labSites[1]])
        let areas = [
            Findings.AreaFinding(lat: Self.labSites[0].lat + 0.5 * Self.degreesPerKm, lon: Self.labSites[0].lon),
            Findings.AreaFinding(lat: Self.labSites[0].lat - 1.5 * Self.degreesPerKm, lon: Self.labSites[0].lon),
        ]
        let result = Evaluator.evaluate(findings: Findings(areas: areas), truth: truth).areas
        #expect(result.labs == 2 && result.areas == 2)
        #expect(result.hitAt1 == 0.5 && result.hitAtL == 0.5 && result.hitAt2L == 0.5)
        #expect(result.matchedAtL == 1 && result.precisionAtL == 0.5)
    }

    @Test func matchingIsMaximumNotGreedy() {
        // Labs 3 km apart (north–south); area 1 halfway (1.5 km from both), area 2 by the south
        // lab only. Greedy would give area 1 the south lab and leave area 2 nothing.
        let south = (lat: 20.0, lon: -100.0), north = (lat: 20.0 + 3 * Self.degreesPerKm, lon: -100.0)
        let truth = Self.truth(labs: [south, north])
        let areas = [
            Findings.AreaFinding(lat: 20.0 + 1.5 * Self.degreesPerKm, lon: -100.0),
            Findings.AreaFinding(lat: 20.0 - 0.5 * Self.degreesPerKm, lon: -100.0),
        ]
        let result = Evaluator.evaluate(findings: Findings(areas: areas), truth: truth).areas
        #expect(result.hitAt1 == 1)
        #expect(result.precisionAtL == 1)
    }

    @Test func aShortListCountsItsMissingPlacesAsMisses() {
        let truth = Self.truth(labs: Array(Self.labSites.prefix(3)))
        let areas = [Findings.AreaFinding(lat: Self.labSites[2].lat, lon: Self.labSites[2].lon)]
        let result = Evaluator.evaluate(findings: Findings(areas: areas), truth: truth).areas
        #expect(result.precisionAtL == 1.0 / 3)
        #expect(result.hitAt1 == 1.0 / 3 && result.hitAt2L == 1.0 / 3)
    }

    @Test func theTwoKilometreBoundary() {
        let lab = Self.labSites[3]
        let truth = Self.truth(labs: [lab])
        let near = Findings.AreaFinding(lat: lab.lat + 1.99 * Self.degreesPerKm, lon: lab.lon)
        let far = Findings.AreaFinding(lat: lab.lat + 2.01 * Self.degreesPerKm, lon: lab.lon)
        #expect(Evaluator.evaluate(findings: Findings(areas: [near]), truth: truth).areas.hitAt1 == 1)
        #expect(Evaluator.evaluate(findings: Findings(areas: [far]), truth: truth).areas.hitAt2L == 0)
        // Guadalajara to Mexico City, about 460 km.
        let distance = Evaluator.distanceKm(lat: 20.67, lon: -103.35, lat2: 19.43, lon2: -99.13)
        #expect(abs(distance - 461) < 5)
    }

    @Test func noLabsGiveNil() {
        let result = Evaluator.evaluate(findings: Findings(areas: [Findings.AreaFinding(lat: 1, lon: 1)]), truth: Self.truth()).areas
        #expect(result.hitAt1 == nil && result.hitAt2L == nil && result.precisionAtL == nil && result.areas == 1)
    }

    // MARK: Output and input

    @Test func jsonIsSnakeCaseWithNulls() throws {
        let result = Evaluator.evaluate(findings: Findings(), truth: Self.truth(consignments: ["A"]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(result), as: UTF8.self)
        #expect(text.contains("\"precision_at_k\":null"))
        #expect(text.contains("\"recall_at_0_5\":null"))
        #expect(text.contains("\"hit_at_2l\":null"))
        #expect(text.contains("\"missing_mentions\":0"))
        #expect(try JSONDecoder().decode(Evaluation.self, from: Data(text.utf8)) == result)
    }

    /// Custody: the share of allocated kilograms on the transfer's true lot, overall and per kind
    /// of allocation (a transfer counts under the kind of its largest step); transfers the truth
    /// does not list are ignored; no figures without the truth's lots or without steps.
    @Test func custodySharesAreByKilogramAndKind() throws {
        var truth = Self.truth(consignments: ["C-1", "C-2"])
        truth.transferLots = ["T-1": "C-1", "T-2": "C-1", "T-3": "C-2", "T-4": "C-2"]
        let steps = [
            Evaluator.Allocation(consignmentID: "C-1", transferID: "T-1", kg: 40, allocation: "exact"),
            Evaluator.Allocation(consignmentID: "C-1", transferID: "T-2", kg: 30, allocation: "fifo"),
            Evaluator.Allocation(consignmentID: "C-2", transferID: "T-2", kg: 10, allocation: "fifo"),
            Evaluator.Allocation(consignmentID: "C-1", transferID: "T-3", kg: 20, allocation: "matched"),
            Evaluator.Allocation(consignmentID: "C-9", transferID: "T-UNKNOWN", kg: 500, allocation: "fifo"),
        ]
        let custody = try #require(Evaluator.evaluate(findings: Findings(), truth: truth, allocations: steps).custody)
        #expect(custody.transfers == 4)
        #expect(custody.all == Evaluation.Custody.Part(transfers: 3, allocatedKg: 100, rightKg: 70) && custody.all.share == 0.7)
        #expect(custody.byAllocation["exact"] == Evaluation.Custody.Part(transfers: 1, allocatedKg: 40, rightKg: 40))
        #expect(custody.byAllocation["fifo"] == Evaluation.Custody.Part(transfers: 1, allocatedKg: 40, rightKg: 30))
        #expect(custody.byAllocation["matched"]?.share == 0)
        #expect(custody.byAllocation.count == 3)
        let report = Evaluator.evaluate(findings: Findings(), truth: truth, allocations: steps).report()
        #expect(report.contains("  right lot                 0.700  (70 of 100 kg)"))
        #expect(report.contains("    matched by quantity     0.000  (1 transfer)"))

        // A findings file has no steps, an old truth no lots: null in JSON, n/a in the report.
        #expect(Evaluator.evaluate(findings: Findings(), truth: truth).custody == nil)
        let old = Self.truth(consignments: ["C-1"])
        let none = Evaluator.evaluate(findings: Findings(), truth: old, allocations: steps)
        #expect(none.custody == nil && none.report().contains("Custody: n/a"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(none), as: UTF8.self).contains("\"custody\":null"))
        let full = Evaluator.evaluate(findings: Findings(), truth: truth, allocations: steps)
        let text = String(decoding: try encoder.encode(full), as: UTF8.self)
        #expect(text.contains("\"by_allocation\":{") && text.contains("\"all\":{\"allocated_kg\":100,"))
        #expect(try JSONDecoder().decode(Evaluation.self, from: Data(text.utf8)) == full)
    }

    @Test func theReportShowsThreeDecimalsAndNA() {
        let truth = Self.truth(consignments: ["A", "B", "C"], diverted: ["A"], labs: [Self.labSites[0]])
        let report = Evaluator.evaluate(findings: Findings(consignments: Self.risks([("A", 0.9), ("B", 0.95)])), truth: truth).report()
        func shows(_ report: String, _ label: String, _ value: String) -> Bool {
            report.split(separator: "\n").contains { line in
                line.hasPrefix("  \(label) ") && line.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init) == value
            }
        }
        #expect(shows(report, "ROC AUC", "0.500"))
        #expect(shows(report, "precision@k (k = 1)", "0.000"))
        #expect(shows(report, "recall at risk ≥ 0.5", "1.000"))
        #expect(shows(report, "hit@1", "0.000"))
        let empty = Evaluator.evaluate(findings: Findings(), truth: Self.truth()).report()
        #expect(shows(empty, "ROC AUC", "n/a"))
        #expect(shows(empty, "precision@L", "n/a"))
        #expect(shows(empty, "F1", "1.000"))
    }

    @Test func badFilesAreRefusedWithFileAndReason() throws {
        func refusal(_ content: String) throws -> Evaluator.InputError? {
            let path = try Fixtures.file("findings.json", content)
            do throws(Evaluator.InputError) {
                _ = try Evaluator.readFindings(at: path)
                return nil
            } catch {
                #expect(error.path == path)
                return error
            }
        }
        for content in ["", "[1, 2]", "{\"consignments\": 3}", "{", "\u{0}\u{1}garbage\u{FF}"] {
            let error = try #require(try refusal(content), "\(content.debugDescription)")
            #expect(error.code == .rejected && error.description.contains("not valid findings JSON"))
        }
        let risk = try #require(try refusal(#"{"consignments": [{"consignment_id": "C-9", "risk": 1.5}]}"#))
        #expect(risk.code == .rejected && risk.reason.contains("C-9") && risk.reason.contains("outside [0, 1]"))
        let role = try #require(try refusal(#"{"entities": [{"entity_id": "E", "mentions": [{"kind": "k", "id": "i", "role": "boss"}]}]}"#))
        #expect(role.reason.contains("entities[0].mentions[0].role"))
        let key = try #require(try refusal(#"{"consignments": [{"risk": 0.5}]}"#))
        #expect(key.reason.contains("consignments[0]: missing key \"consignment_id\""))
        #expect(try refusal(#"{"areas": [{"lat": 20, "lon": -100}]}"#) == nil)

        let folder = try Fixtures.folder([:])
        #expect(throws: Evaluator.InputError(.unreadable, path: folder + "/none.json", reason: "no such file")) {
            try Evaluator.readFindings(at: folder + "/none.json")
        }
        #expect(throws: Evaluator.InputError(.unreadable, path: folder, reason: "is a folder, not a file")) {
            try Evaluator.readTruth(at: folder)
        }
    }

    @Test func truthRoundTripsThroughItsReader() throws {
        let truth = Self.truth(consignments: ["A"], diverted: ["A"], mentions: Self.trueMentions([["a"]]), labs: [Self.labSites[0]])
        let path = try Fixtures.file("truth.json", String(decoding: try JSONEncoder().encode(truth), as: UTF8.self))
        #expect(try Evaluator.readTruth(at: path) == truth)
        var wrong = truth
        wrong.format = "rastro-truth-0"
        let other = try Fixtures.file("truth.json", String(decoding: try JSONEncoder().encode(wrong), as: UTF8.self))
        #expect(throws: Evaluator.InputError.self) { try Evaluator.readTruth(at: other) }
    }
}

/// SplitMix64: a tiny seeded generator, so the random test is the same on every run.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
