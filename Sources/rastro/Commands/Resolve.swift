import ArgumentParser
import Foundation
import RastroModel
import RastroResolve
import RastroStore

struct Resolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resolve party mentions into entities (probabilistic, explainable; work in progress).",
        discussion: """
            Reads every party mention you may see (organization rows, importers, exporters, \
            transfers' from and to, usage reports' organizations, incidents' named parties), \
            normalizes names, tax ids, addresses and phones, finds candidate pairs through several \
            blocking keys, estimates a Fellegi–Sunter model from the data itself (u from random \
            pairs, m by EM) and clusters without chaining. Prints the model's weights per field \
            and level, and the phones, addresses and representatives shared by different \
            entities (associations, not merges); --findings-out writes the entities as contract-v1 \
            findings, for `rastro evaluate`; --explain A --explain B shows, field by field, why two \
            mentions are or are not one party (a mention is KIND:ID:ROLE).

            Not built yet: storing the entities, `rastro entity ID --explain`, analysts' \
            confirm/split decisions, incremental runs.

            Examples:
              rastro resolve
              rastro resolve --findings-out entities.json && rastro evaluate --truth world/truth.json --findings entities.json
              rastro resolve --explain consignments:C-26-1234567:importer --explain organizations:ORG-123456:self
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var viewer: ViewerOptions

    @Option(help: ArgumentHelp("Write the entities as contract-v1 findings JSON to this file.", valueName: "file"))
    var findingsOut: String?

    @Option(help: ArgumentHelp("A mention to explain, as KIND:ID:ROLE (give two).", valueName: "mention"))
    var explain: [String] = []

    @Flag(help: "Print JSON instead of a report.")
    var json = false

    struct Report: Encodable {
        var mentions: Int
        var distinctMentions: Int
        var candidatePairs: Int
        var entities: Int
        var prior: Double
        var emIterations: Int
        var emConverged: Bool
        var fields: [FieldWeights]
        var associations: [Association]
        var explanation: PairExplanation?
        var seconds: [String: Double]

        struct FieldWeights: Encodable {
            var field: String
            var levels: [Level]
        }

        struct Level: Encodable {
            var level: String
            var m: Double
            var u: Double
            var weight: Double
        }
    }

    func run() async throws {
        guard explain.isEmpty || explain.count == 2 else { throw Failure(code: Failure.usage, message: "--explain takes two mentions") }
        let wanted = try explain.map { text -> Mention in
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3, let role = Mention.Role(rawValue: parts[parts.count - 1]) else {
                throw Failure(code: Failure.usage, message: "\(text): a mention is KIND:ID:ROLE (role: self, importer, exporter, from, to, reporter, named)")
            }
            return Mention(kind: parts[0], id: parts[1..<(parts.count - 1)].joined(separator: ":"), role: role)
        }
        let store = try await store.open()
        let settings = try await store.settings()
        let mentions = try await MentionReader.mentions(in: store, viewer: viewer.viewer(settings))
        await store.close()
        let resolver = Resolver()
        let result = resolver.resolve(mentions)
        var explanation: PairExplanation?
        if wanted.count == 2 {
            let found = wanted.map { target in mentions.first { $0.mention == target } }
            for (index, mention) in found.enumerated() where mention == nil {
                throw Failure(code: Failure.usage, message: "\(explain[index]): no such mention that you may see")
            }
            explanation = resolver.explain(found[0]!, found[1]!, model: result.model)
        }
        let associations = result.associations
        var groups: [Int: [Mention]] = [:]
        for (index, label) in result.labels.enumerated() { groups[label, default: []].append(mentions[index].mention) }
        if let findingsOut {
            let entities = groups.keys.sorted().enumerated().map { number, label in
                Findings.EntityFinding(entityID: "R-\(number + 1)", name: mentions[label].name, mentions: groups[label]!.sorted())
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            do {
                try encoder.encode(Findings(entities: entities)).write(to: URL(fileURLWithPath: findingsOut), options: .atomic)
            } catch {
                throw Failure(code: Failure.usage, message: "\(findingsOut): cannot write the findings (\(error.localizedDescription))")
            }
        }
        let model = result.model
        let report = Report(
            mentions: mentions.count, distinctMentions: result.distinctMentions, candidatePairs: result.candidatePairs,
            entities: groups.count, prior: model.prior, emIterations: model.iterations, emConverged: model.converged,
            fields: model.fields.enumerated().map { index, field in
                .init(field: field.name, levels: field.levels.enumerated().map { level, name in
                    .init(level: name, m: model.m[index][level], u: model.u[index][level], weight: model.weight(field: index, level: level))
                })
            },
            associations: associations, explanation: explanation, seconds: result.seconds)
        if json {
            try Terminal.json(report)
            return
        }
        print("\(report.mentions) mentions (\(report.distinctMentions) distinct) → \(report.entities) entities; "
              + "\(report.candidatePairs) candidate pairs; EM \(report.emConverged ? "converged" : "stopped") after \(report.emIterations) iterations, λ = \(String(format: "%.4f", report.prior))")
        var rows: [[String]] = []
        for field in report.fields {
            for level in field.levels {
                rows.append([field.field, level.level, String(format: "%.4f", level.m), String(format: "%.4f", level.u),
                             String(format: "%+.2f", level.weight)])
            }
        }
        Terminal.table(["field", "level", "m", "u", "weight (log2 m/u)"], rows)
        let byKind = Dictionary(grouping: associations, by: \.kind)
        print("associations (shared by different entities): "
              + [("phone", "phones"), ("address", "addresses"), ("representative", "representatives")]
              .map { "\(byKind[$0.0]?.count ?? 0) \($0.1)" }.joined(separator: ", "))
        if let explanation {
            let labelOf = { (target: Mention) in mentions.firstIndex { $0.mention == target }.map { result.labels[$0] } }
            let together = labelOf(explanation.left) == labelOf(explanation.right)
            print("")
            print("\(explain[0]) vs \(explain[1]): \(together ? "one entity" : "different entities")")
            Terminal.table(["field", "left", "right", "level", "weight"], explanation.fields.map { field in
                [field.field, field.left ?? "—", field.right ?? "—", field.level ?? "missing", String(format: "%+.2f", field.weight)]
            } + [["prior", "", "", "", String(format: "%+.2f", explanation.priorWeight)]])
            print("total weight \(String(format: "%+.2f", explanation.totalWeight)), match probability \(String(format: "%.4f", explanation.probability))"
                  + (explanation.conflict ? "; two different valid tax ids: never merged" : ""))
        }
        if let findingsOut { print("entities written to \(findingsOut)") }
    }
}
