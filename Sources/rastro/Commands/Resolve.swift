import ArgumentParser
import Foundation
import RastroModel
import RastroResolve
import RastroStore

/// `rastro resolve`: entity resolution and the analysts' decisions on it.
struct Resolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resolve party mentions into entities, and record analysts' decisions (confirm, split).",
        discussion: """
            `rastro resolve` (the same as `rastro resolve run`) reads every party mention in the \
            store, finds which are one party, and stores the entities; `rastro entity` reads \
            them. `confirm` and `split` record an analyst's decision on two mentions, which \
            every later run respects; `revoke` withdraws one; `decisions` lists them.

            A mention is KIND:ID:ROLE, e.g. consignments:C-26-1234567:importer, \
            organizations:ORG-123456:self, transfers:T-1:to, incidents:INC-9#0:named (roles: \
            self, importer, exporter, from, to, reporter, named).

            Examples:
              rastro resolve
              rastro resolve confirm consignments:C-26-1234567:importer organizations:ORG-123456:self --note "same RFC on the invoice"
              rastro resolve split transfers:T-1:to transfers:T-2:to --note "different plants"
              rastro resolve decisions
              rastro resolve revoke 3
            """,
        subcommands: [ResolveRun.self, ResolveConfirm.self, ResolveSplit.self, ResolveRevoke.self, ResolveDecisions.self],
        defaultSubcommand: ResolveRun.self)
}

/// Parses KIND:ID:ROLE (the id may hold colons).
func parseMention(_ text: String) throws -> Mention {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count >= 3, let role = Mention.Role(rawValue: parts[parts.count - 1]),
          Kind(rawValue: parts[0]) != nil, !parts[1..<(parts.count - 1)].joined(separator: ":").isEmpty else {
        throw Failure(code: Failure.usage, message: "\(text): a mention is KIND:ID:ROLE (kinds: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")); roles: \(Mention.Role.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return Mention(kind: parts[0], id: parts[1..<(parts.count - 1)].joined(separator: ":"), role: role)
}

func mentionText(_ mention: Mention) -> String { "\(mention.kind):\(mention.id):\(mention.role.rawValue)" }

/// Who records a decision or runs a resolution (until the node has user accounts).
struct ActorOption: ParsableArguments {
    @Option(help: ArgumentHelp("Who is acting, for the record (default: the login name).", valueName: "name"))
    var actor: String?

    var name: String { actor ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown" }
}

struct ResolveRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Resolve every party mention into entities and store them (incremental).",
        discussion: """
            Reads every party mention in the store (organization rows, importers, exporters, \
            transfers' from and to, usage reports' organizations, incidents' named parties) as \
            the node, normalizes names, tax ids, addresses and phones, finds candidate pairs \
            through several blocking keys, scores them with a Fellegi–Sunter model estimated from \
            the data itself (u from random pairs, m by EM) and clusters without chaining, \
            respecting analysts' decisions. Phones, addresses and representatives that different \
            entities share are stored as associations, not merges.

            Runs are incremental: the candidate pairs fall into connected groups, and only the \
            groups that new or changed data (or a new decision) touches are clustered again, with \
            the model of the last full run; the result equals a full run with that model. The \
            first run, and --reestimate, fit the model to the data again and cluster everything. \
            Entity ids carry over between runs.

            --findings-out writes the entities as contract-v1 findings (for `rastro evaluate`); \
            --explain A --explain B shows, field by field, why two mentions are or are not one party.

            Examples:
              rastro resolve
              rastro resolve --reestimate
              rastro resolve --findings-out entities.json && rastro evaluate --truth world/truth.json --findings entities.json
              rastro resolve --explain consignments:C-26-1234567:importer --explain organizations:ORG-123456:self
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var actor: ActorOption

    @Flag(help: "Fit the model to the data again and cluster every group (a full run).")
    var reestimate = false

    @Option(help: ArgumentHelp("Write the entities as contract-v1 findings JSON to this file.", valueName: "file"))
    var findingsOut: String?

    @Option(help: ArgumentHelp("A mention to explain, as KIND:ID:ROLE (give two).", valueName: "mention"))
    var explain: [String] = []

    @Flag(help: "Print JSON instead of a report.")
    var json = false

    struct Report: Encodable {
        var run: String
        var mode: String
        var mentions: Int
        var distinctMentions: Int
        var candidatePairs: Int
        var compared: Int
        var strongPairs: Int
        var components: Int
        var recomputed: Int
        var entities: Int
        var prior: Double
        var emIterations: Int
        var emConverged: Bool
        var fields: [FieldWeights]
        var associations: [String: Int]
        var warnings: [String]
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
        let wanted = try explain.map(parseMention)
        let started = ContinuousClock.now
        try await store.withStore { store in try await run(store, wanted: wanted, started: started) }
    }

    func run(_ store: Store, wanted: [Mention], started: ContinuousClock.Instant) async throws {
        let resolution = Resolution()
        let (outcome, mentions) = try await resolveAndStore(store, resolution: resolution, actor: actor.name, reestimate: reestimate,
                                                            started: started)

        var explanation: PairExplanation?
        if wanted.count == 2 {
            let found = wanted.map { target in mentions.first { $0.mention == target } }
            for (index, mention) in found.enumerated() where mention == nil {
                throw Failure(code: Failure.usage, message: "\(explain[index]): no such mention in the store")
            }
            explanation = resolution.resolver.explain(found[0]!, found[1]!, model: outcome.model)
        }
        if let findingsOut {
            var groups: [String: [Mention]] = [:]
            for (index, entity) in outcome.entityOf.enumerated() { groups[entity, default: []].append(mentions[index].mention) }
            var names: [String: String] = [:]
            for row in outcome.write.entities { names[row.entityID] = row.name }
            for (index, entity) in outcome.entityOf.enumerated() where names[entity] == nil { names[entity] = mentions[index].name }
            let entities = groups.keys.sorted().map { id in
                Findings.EntityFinding(entityID: id, name: names[id] ?? "", mentions: groups[id]!.sorted())
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            do {
                try encoder.encode(Findings(entities: entities)).write(to: URL(fileURLWithPath: findingsOut), options: .atomic)
            } catch {
                throw Failure(code: Failure.usage, message: "\(findingsOut): cannot write the findings (\(error.localizedDescription))")
            }
        }
        let model = outcome.model
        var associationCounts: [String: Int] = [:]
        for kind in ["phone", "address", "representative"] {
            associationCounts[kind] = Set(outcome.write.associations.filter { $0.kind == kind }.map(\.value)).count
        }
        let report = Report(
            run: outcome.write.run.runID, mode: outcome.write.run.mode,
            mentions: mentions.count, distinctMentions: outcome.distinctMentions, candidatePairs: outcome.candidatePairs,
            compared: outcome.compared, strongPairs: outcome.strongPairs, components: outcome.components, recomputed: outcome.recomputed, entities: outcome.entities,
            prior: model.prior, emIterations: model.iterations, emConverged: model.converged,
            fields: model.fields.enumerated().map { index, field in
                .init(field: field.name, levels: field.levels.enumerated().map { level, name in
                    .init(level: name, m: model.m[index][level], u: model.u[index][level], weight: model.weight(field: index, level: level))
                })
            },
            associations: associationCounts, warnings: outcome.warnings, explanation: explanation, seconds: outcome.seconds)
        for warning in outcome.warnings where !json { Terminal.note("warning: " + warning) }
        if json {
            try Terminal.json(report)
            return
        }
        print("\(report.mentions) mentions (\(report.distinctMentions) distinct) → \(report.entities) entities; "
              + "\(report.candidatePairs) candidate pairs (\(report.compared) compared by this run, \(report.strongPairs) strong); "
              + "\(report.components) groups, \(report.recomputed) clustered by this \(report.mode) run")
        print("model: EM \(report.emConverged ? "converged" : "stopped") after \(report.emIterations) iterations, λ = \(String(format: "%.4f", report.prior))"
              + (report.mode == "incremental" ? " (kept from the last full run; --reestimate fits it again)" : ""))
        var rows: [[String]] = []
        for field in report.fields {
            for level in field.levels {
                rows.append([field.field, level.level, String(format: "%.4f", level.m), String(format: "%.4f", level.u),
                             String(format: "%+.2f", level.weight)])
            }
        }
        Terminal.table(["field", "level", "m", "u", "weight (log2 m/u)"], rows)
        print("associations (shared by different entities): "
              + [("phone", "phones"), ("address", "addresses"), ("representative", "representatives")]
              .map { "\(associationCounts[$0.0] ?? 0) \($0.1)" }.joined(separator: ", "))
        if let explanation {
            let entityOf = { (target: Mention) in mentions.firstIndex { $0.mention == target }.map { outcome.entityOf[$0] } }
            let together = entityOf(explanation.left) == entityOf(explanation.right)
            print("")
            print("\(explain[0]) vs \(explain[1]): \(together ? "one entity" : "different entities")")
            printExplanation(explanation)
        }
        if let findingsOut { print("entities written to \(findingsOut)") }
    }
}

/// One resolution run over the whole store, as the node, stored: what `rastro resolve` and
/// `rastro analyze` both do.
func resolveAndStore(_ store: Store, resolution: Resolution = Resolution(), actor: String, reestimate: Bool,
                     started: ContinuousClock.Instant = .now) async throws -> (Resolution.Outcome, [PartyMention]) {
    let settings = try await store.settings()
    let state = try await store.resolutionState()
    let decisions = try await store.decisions()
    let (mentions, markings) = try await MentionReader.read(in: store, viewer: settings.processingViewer)
    let read = ContinuousClock.now
    var outcome = resolution.run(mentions: mentions, markings: markings, decisions: decisions, state: state,
                                 reestimate: reestimate, node: settings.organization, actor: actor,
                                 runID: UUID().uuidString.lowercased(), startedAt: Timestamp.format(epoch: Int64(Date().timeIntervalSince1970)),
                                 now: { Timestamp.format(epoch: Int64(Date().timeIntervalSince1970)) })
    let resolved = ContinuousClock.now
    try await store.writeResolution(outcome.write)
    outcome.seconds["read"] = (read - started).seconds
    outcome.seconds["write"] = (ContinuousClock.now - resolved).seconds
    return (outcome, mentions)
}

func printExplanation(_ explanation: PairExplanation) {
    Terminal.table(["field", "left", "right", "level", "weight"], explanation.fields.map { field in
        [field.field, field.left ?? "—", field.right ?? "—", field.level ?? "missing", String(format: "%+.2f", field.weight)]
    } + [["prior", "", "", "", String(format: "%+.2f", explanation.priorWeight)]])
    print("total weight \(String(format: "%+.2f", explanation.totalWeight)), match probability \(String(format: "%.4f", explanation.probability))"
          + (explanation.conflict ? "; two different valid tax ids: never merged by the model" : ""))
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// Shared by confirm and split.
struct DecisionOptions: ParsableArguments {
    @OptionGroup var store: DatabaseOptions
    @OptionGroup var actor: ActorOption

    @Argument(help: ArgumentHelp("The first mention, KIND:ID:ROLE.", valueName: "mention"))
    var left: String

    @Argument(help: ArgumentHelp("The second mention, KIND:ID:ROLE.", valueName: "mention"))
    var right: String

    @Option(help: ArgumentHelp("Why (kept with the decision).", valueName: "text"))
    var note = ""

    func record(_ action: ResolutionDecision.Action) async throws {
        let left = try parseMention(left), right = try parseMention(right)
        guard left != right else { throw Failure(code: Failure.usage, message: "the two mentions are the same") }
        try await store.withStore { store in try await record(action, left, right, in: store) }
    }

    func record(_ action: ResolutionDecision.Action, _ left: Mention, _ right: Mention, in store: Store) async throws {
        let settings = try await store.settings()
        do {
            switch try await DecisionDesk.record(action, left, right, actor: actor.name, note: note, viewer: settings.viewer, in: store) {
            case .alreadyRecorded(let number):
                print("already recorded as decision #\(number); nothing to do")
            case .recorded(let number, let revoked):
                for decision in revoked { print("revoked decision #\(decision.decisionID) (\(decision.action.rawValue)), which this one replaces") }
                print("recorded decision #\(number): \(action.rawValue) \(mentionText(left)) \(mentionText(right)); the next `rastro resolve` applies it")
            }
        } catch let refusal as DecisionDesk.Refusal {
            throw Failure(code: Failure.usage, message: refusal.description)
        }
    }
}

struct ResolveConfirm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Record that two mentions are one party: every later run keeps them in one entity.",
        discussion: """
            Replaces an earlier split of the same two mentions. Refused when a split decision \
            would be contradicted through a chain of confirms.

            Example:
              rastro resolve confirm consignments:C-26-1234567:importer organizations:ORG-123456:self --note "same RFC on the invoice"
            """)

    @OptionGroup var decision: DecisionOptions

    func run() async throws { try await decision.record(.confirm) }
}

struct ResolveSplit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Record that two mentions are different parties: every later run keeps them apart.",
        discussion: """
            Replaces an earlier confirm of the same two mentions. Refused when confirms join the \
            two mentions through others. Two mentions with identical attributes are one profile \
            and cannot be split.

            Example:
              rastro resolve split transfers:T-1:to transfers:T-2:to --note "different plants, checked on site"
            """)

    @OptionGroup var decision: DecisionOptions

    func run() async throws { try await decision.record(.split) }
}

struct ResolveRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Withdraw a decision (it stays on record as revoked).",
        discussion: """
            Example:
              rastro resolve revoke 3
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var actor: ActorOption

    @Argument(help: ArgumentHelp("The decision's number (see `rastro resolve decisions`).", valueName: "number"))
    var number: Int

    func run() async throws {
        let revoked = try await store.withStore { store in
            _ = try await store.settings()
            return try await store.revokeDecision(number, actor: actor.name)
        }
        guard revoked else {
            throw Failure(code: Failure.usage, message: "there is no active decision #\(number)")
        }
        print("revoked decision #\(number); the next `rastro resolve` applies it")
    }
}

struct ResolveDecisions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "List the analysts' decisions.",
        discussion: """
            Examples:
              rastro resolve decisions
              rastro resolve decisions --all --json
            """)

    @OptionGroup var store: DatabaseOptions

    @Flag(help: "Include revoked decisions.")
    var all = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let decisions = try await store.withStore { try await $0.decisions() }.filter { all || $0.isActive }
        if json {
            try Terminal.json(decisions)
            return
        }
        if decisions.isEmpty {
            print(all ? "no decisions" : "no active decisions")
            return
        }
        Terminal.table(["#", "action", "left", "right", "by", "at", "note", "revoked"], decisions.map { decision in
            ["\(decision.decisionID)", decision.action.rawValue, mentionText(decision.left), mentionText(decision.right), decision.actor,
             decision.madeAt, decision.note, decision.revokedAt.map { "\($0) by \(decision.revokedBy ?? "")" } ?? ""]
        })
    }
}
