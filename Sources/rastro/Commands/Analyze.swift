import ArgumentParser
import Foundation
import RastroAnalysis
import RastroModel
import RastroResolve
import RastroShare
import RastroStore

struct Analyze: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resolve parties, follow the chemicals and score every consignment, entity and area, with reasons.",
        discussion: """
            Runs entity resolution (incremental, as `rastro resolve`), then every analysis over \
            what the node holds: custody traces (named lots exactly; unnamed transfers matched to \
            a lot when they alone add up to it, the rest first-in-first-out, keeping the stock a \
            later transfer names), \
            mass balance per party, chemical and reporting period, route evidence per leg (off the \
            corridor, dwells away from known sites, tracking gaps, late arrivals), the red-flag \
            rules and their scores, and areas. Stores the run; `rastro findings`, `rastro alerts` \
            and `rastro trace` read it. Everything it outputs is a lead for people to verify.

            Examples:
              rastro analyze
              rastro analyze --json
              rastro analyze --rules my-rules.json
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var actor: ActorOption
    @OptionGroup var signingKey: SigningKeyOptions

    @Option(help: ArgumentHelp("A risk model configuration (JSON; see docs/analysis.md).", valueName: "file"))
    var rules: String?

    @Flag(help: "Print a JSON summary instead of a report.")
    var json = false

    struct Summary: Codable {
        var run: String
        var consignments: Int
        var entities: Int
        var alerts: Int
        var areas: Int
        var routeEvidence: Int
        var balanceRowsFlagged: Int
        var missingReports: Int
        var riskModel: String
        var seconds: [String: Double]
        /// Over the leads with an outcome: how often each rule behind them was confirmed.
        var leadPrecision: [LeadPrecision] = []
    }

    func run() async throws {
        var config = RiskConfig.standard
        if let rules {
            do {
                config = try JSONDecoder().decode(RiskConfig.self, from: Data(contentsOf: URL(fileURLWithPath: rules)))
            } catch {
                throw Failure(code: Failure.usage, message: "\(rules): not a risk model configuration (\(error.localizedDescription))")
            }
        }
        let config_ = config
        let (summary, result) = try await store.withStore { store in
            let analyzed = try await Self.analyze(store, config: config_, actor: actor.name, quiet: json)
            await AutomaticCheckpoint.make(store, signingKey)
            return analyzed
        }
        if json {
            try Terminal.json(summary)
            return
        }
        Self.printReport(summary, result)
    }

    /// Resolves, analyzes and stores one run.
    static func analyze(_ store: Store, config: RiskConfig, actor: String, quiet: Bool) async throws -> (Summary, AnalysisResult) {
        let started = ContinuousClock.now
        let startedAt = Timestamp.format(epoch: Int64(Date().timeIntervalSince1970))
        let progress = StageProgress(quiet: quiet)
        defer { progress.finish() }
        progress.enter("resolving parties")
        let settings = try await store.settings()
        let (outcome, mentions) = try await resolveAndStore(store, actor: actor, reestimate: false)
        var entityOf: [Mention: String] = [:]
        for (index, mention) in mentions.enumerated() { entityOf[mention.mention] = outcome.entityOf[index] }
        let index = EntityIndex(entityOf: entityOf, names: try await store.entityNames(), associations: outcome.write.associations)
        let resolved = ContinuousClock.now
        progress.enter("reading the data")
        let data = try await AnalysisData.load(from: store, viewer: settings.processingViewer) { progress.enter($0) }
        let loaded = ContinuousClock.now
        var result = Analyzer(config: config).analyze(data, entities: index) { progress.enter($0) }
        result.seconds["resolve"] = (resolved - started).seconds
        result.seconds["load"] = (loaded - resolved).seconds
        let findings = result.findings(entityIndex: index, mentions: mentions.map(\.mention))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let runID = UUID().uuidString.lowercased()
        var summary = Summary(run: runID, consignments: result.consignments.count, entities: findings.entities.count,
                              alerts: result.alerts.count, areas: result.areas.count, routeEvidence: result.routes.count,
                              balanceRowsFlagged: result.balance.filter { $0.flagged && !$0.missingReport }.count,
                              missingReports: result.balance.filter(\.missingReport).count, riskModel: config.version,
                              seconds: result.seconds.merging(["total": (ContinuousClock.now - started).seconds]) { $1 })
        summary.leadPrecision = LeadPrecision.byRule(try await store.leadsWithOutcomes())
        struct Detail: Encodable {
            var consignments: [Assessment]
            var entities: [Assessment]
            var areas: [Area]
            var config: RiskConfig
        }
        let detail = Detail(consignments: result.consignments, entities: result.entities, areas: result.areas, config: config)
        progress.enter("storing the run")
        try await store.writeAnalysis(AnalysisRun(
            runID: runID, startedAt: startedAt, finishedAt: Timestamp.format(epoch: Int64(Date().timeIntervalSince1970)), actor: actor,
            summary: String(decoding: try encoder.encode(summary), as: UTF8.self),
            findings: String(decoding: try encoder.encode(findings), as: UTF8.self),
            alerts: String(decoding: try encoder.encode(result.alerts), as: UTF8.self),
            detail: String(decoding: try encoder.encode(detail), as: UTF8.self)),
            traces: result.traces.map { $0.row(runID: runID) })
        return (summary, result)
    }

    static func printReport(_ summary: Summary, _ result: AnalysisResult, alerts: Int = 10, areas: Int = 5) {
        print("\(summary.consignments) consignments and \(summary.entities) entities scored (\(summary.riskModel)); "
              + "\(summary.alerts) alerts; \(summary.routeEvidence) route evidence points; "
              + "\(summary.balanceRowsFlagged) mass-balance gaps, \(summary.missingReports) missing reports; "
              + String(format: "%.1f s", summary.seconds["total"] ?? 0))
        printAlerts(Array(result.alerts.prefix(alerts)))
        if !summary.leadPrecision.isEmpty {
            print("")
            print("rules behind leads with an outcome (confirmed = lab found or seizure):")
            Terminal.table(["rule", "leads", "confirmed", "precision"], summary.leadPrecision.map {
                [$0.rule, "\($0.leads)", "\($0.confirmed)", String(format: "%.2f", $0.precision)]
            })
        }
        if !result.areas.isEmpty {
            print("")
            print("top areas (candidate places for investigation):")
            Terminal.table(["#", "lat", "lon", "score", "evidence"], result.areas.prefix(areas).enumerated().map { number, area in
                ["\(number + 1)", String(format: "%.4f", area.lat), String(format: "%.4f", area.lon), String(format: "%.2f", area.score),
                 area.reasons.joined(separator: ", ")]
            })
        }
        print("")
        print("Leads for human review and lawful investigation, not conclusions. `rastro alerts` lists the reasons; `rastro findings` writes the findings.")
    }

    static func printAlerts(_ alerts: [Assessment], states: [String: AlertState] = [:], markings: [String: Marking] = [:]) {
        guard !alerts.isEmpty else {
            print("no alerts")
            return
        }
        print("")
        print("alerts (newest evidence first):")
        for alert in alerts {
            let key = alert.kind + "/" + alert.id
            let state = (markings[key].map { "  " + $0.tlp.label + ($0.releasableTo.isEmpty ? "" : " to " + $0.releasableTo.joined(separator: ";")) } ?? "")
                + (states[key].map { "  [\($0.state.rawValue) by \($0.actor)]" } ?? "")
            print(String(format: "%@ %@  risk %.2f  %@", alert.kind == "consignments" ? "consignment" : "entity", alert.id, alert.risk,
                         alert.name ?? "") + state)
            for reason in alert.reasons.prefix(4) {
                let evidence = reason.evidence.prefix(3).map { "\($0.kind):\($0.id)" }.joined(separator: ", ")
                print(String(format: "    %+.2f  %@ — %@", reason.contribution, reason.rule, reason.detail) + (evidence.isEmpty ? "" : "  [\(evidence)]"))
            }
        }
    }
}

/// The last run's results as a viewer may see them (docs/sharing.md): everything for the node's
/// own organization; for another, only results whose every input it may see.
extension SharedRun {
    /// The last analysis as `viewer` may see it, or a usage failure when none has run.
    static func load(_ store: Store, viewer: Viewer, settings: NodeSettings, action: String, withDetail: Bool = false) async throws -> SharedRun {
        guard let shared = try await SharedRun.latest(store, viewer: viewer, settings: settings, action: action, withDetail: withDetail) else {
            throw Failure(code: Failure.usage, message: "no analysis has run yet: run `rastro analyze` first")
        }
        return shared
    }
}

struct FindingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "Write the last analysis's findings (contract v1).",
        discussion: """
            `--format json` (the default) writes exactly the findings JSON of the data contract: \
            every consignment with its risk and flags, every resolved entity with all its \
            mentions, and the ranked areas. `--format geojson` writes the areas as a GeoJSON \
            FeatureCollection of points (rank, score, radius and evidence as properties), for a map. \
            Another organization (--as) gets only the results whose every input it may see.

            Examples:
              rastro findings --format json > findings.json
              rastro findings --out findings.json
              rastro findings --format geojson --out areas.geojson
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var viewer: ViewerOptions

    @Option(help: "Output format: json (the contract's findings) or geojson (the areas).")
    var format = "json"

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var out: String?

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    func validate() throws {
        guard format == "json" || format == "geojson" else { throw ValidationError("--format: json or geojson") }
    }

    func run() async throws {
        let (shared, isNode) = try await store.withStore { store in
            let settings = try await store.settings()
            let viewer = try await viewer.viewer(store, settings)
            return (try await SharedRun.load(store, viewer: viewer, settings: settings, action: "findings"),
                    viewer.organization == settings.organization)
        }
        // The node's own findings are written as stored, byte for byte.
        var text = isNode ? shared.run.findings : String(decoding: try Self.encoder.encode(shared.findings), as: UTF8.self)
        if format == "geojson" {
            let features: [[String: Any]] = shared.findings.areas.enumerated().map { rank, area in
                ["type": "Feature", "geometry": ["type": "Point", "coordinates": [area.lon, area.lat]],
                 "properties": ["rank": rank + 1, "score": area.score ?? 0, "radius_km": area.radiusKm ?? 0,
                                "evidence": area.evidence.map { "\($0.kind):\($0.id)" }] as [String: Any]]
            }
            let data = try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": features], options: [.sortedKeys])
            text = String(decoding: data, as: UTF8.self)
        }
        if let out {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw Failure(code: Failure.usage, message: "\(out): cannot write the findings (\(error.localizedDescription))")
            }
        } else {
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
    }
}

struct Alerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What crossed the alert threshold in the last analysis, and what your organization did with it.",
        discussion: """
            Alerts are listed newest evidence first, with their reasons and your organization's \
            state of each (acknowledged, dismissed, lead); another organization's states are its \
            own. Another organization (--as) sees only alerts whose every input it may see.

            Examples:
              rastro alerts
              rastro alerts --open --limit 50 --json
              rastro alerts ack consignments/26-16-3420-6003318 --note "checking the carrier"
              rastro alerts dismiss entities/E-000042 --note "licensed pharmacy, verified"
            """,
        subcommands: [List.self, Ack.self, Dismiss.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List alerts (the default).")

        @OptionGroup var store: DatabaseOptions
        @OptionGroup var viewer: ViewerOptions

        @Option(help: "How many alerts to show.")
        var limit = 20

        @Flag(help: "Only alerts your organization has not acknowledged, dismissed or made a lead of.")
        var open = false

        @Flag(help: "Print JSON.")
        var json = false

        /// An alert as `--json` prints it: the assessment's own fields, and `state` when set.
        struct Row: Encodable {
            var alert: Assessment
            var state: AlertState?
            /// The most restrictive marking of the records the alert rests on, by this node.
            var marking: Marking?

            enum Keys: String, CodingKey { case state, marking }

            func encode(to encoder: any Encoder) throws {
                try alert.encode(to: encoder)
                var container = encoder.container(keyedBy: Keys.self)
                try container.encodeIfPresent(state, forKey: .state)
                try container.encodeIfPresent(marking, forKey: .marking)
            }
        }

        func run() async throws {
            let (shared, rows) = try await store.withStore { store in
                let settings = try await store.settings()
                let viewer = try await viewer.viewer(store, settings)
                let shared = try await SharedRun.load(store, viewer: viewer, settings: settings, action: "alerts")
                let states = try await store.alertStates(for: viewer)
                var rows = Array(shared.alerts.map { Row(alert: $0, state: states[$0.kind + "/" + $0.id]) }.filter { !open || $0.state == nil }
                    .prefix(limit))
                // Each alert carries the most restrictive marking of what it rests on.
                let inputs = rows.map { row in
                    (row.alert.kind == "consignments" ? [Findings.EvidenceRef(kind: row.alert.kind, id: row.alert.id)] : [])
                        + row.alert.reasons.flatMap(\.evidence)
                }
                let markings = try await store.markings(of: inputs.flatMap { $0 }, viewer: viewer)
                for index in rows.indices {
                    rows[index].marking = Marking.mostRestrictive(inputs[index].compactMap { markings[$0] }, originator: settings.organization)
                }
                return (shared, rows)
            }
            if json {
                try Terminal.json(rows)
                return
            }
            print("\(shared.alerts.count) alerts from the analysis of \(shared.run.finishedAt)" + (open ? "; showing those still open" : ""))
            Analyze.printAlerts(rows.map(\.alert), states: Dictionary(rows.compactMap { row in row.state.map { (row.alert.kind + "/" + row.alert.id, $0) } },
                                                                      uniquingKeysWith: { first, _ in first }),
                                markings: Dictionary(rows.compactMap { row in row.marking.map { (row.alert.kind + "/" + row.alert.id, $0) } },
                                                     uniquingKeysWith: { first, _ in first }))
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an alert acknowledged for your organization.")
        @OptionGroup var change: AlertChange
        func run() async throws { try await change.apply(.acknowledged) }
    }

    struct Dismiss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an alert reviewed and not pursued, for your organization.")
        @OptionGroup var change: AlertChange
        func run() async throws { try await change.apply(.dismissed) }
    }
}

struct AlertChange: ParsableArguments {
    @OptionGroup var store: DatabaseOptions
    @OptionGroup var viewer: ViewerOptions

    @Argument(help: ArgumentHelp("consignments/ID or entities/ID, as `rastro alerts` lists it.", valueName: "alert"))
    var subject: String

    @Option(help: "Why, for your colleagues.")
    var note = ""

    func apply(_ state: AlertState.State) async throws {
        try await store.withStore { store in
            let settings = try await store.settings()
            let viewer = try await viewer.viewer(store, settings)
            let shared = try await SharedRun.load(store, viewer: viewer, settings: settings, action: "alerts")
            guard shared.alerts.contains(where: { $0.kind + "/" + $0.id == subject }) else {
                throw Failure(code: Failure.rejectedInput, message: "\(subject): no such alert in the last analysis that you may see")
            }
            try await store.setAlertState(subject, state, note: note, by: viewer)
        }
        print("\(subject): \(state.rawValue)")
    }
}
