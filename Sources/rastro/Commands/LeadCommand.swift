import ArgumentParser
import Foundation
import RastroAnalysis
import RastroModel
import RastroShare
import RastroStore

struct LeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lead",
        abstract: "Package evidence into a marked lead, send it to another organization's unit, and follow it to an outcome.",
        discussion: """
            A lead is about a consignment, an entity or an area of the last analysis, with the \
            reasons and evidence you may see. You send it to one member organization; it gets \
            the lead and the evidence it may see, never the records it may not (you are told \
            what is withheld). The recipient acknowledges, accepts or declines, and reports the \
            outcome, which returns to you; `rastro analyze` reports the precision of each rule \
            over the leads with an outcome. Notes (`lead note`) stay with your organization.

            Example (an analyst of MX-SAT, a liaison of US-DEA):
              rastro lead create --consignment 26-16-3420-6003318 --title "Mislabelled 4-piperidone" --as ana
              rastro lead send L-MX-SAT-000001 --to US-DEA --as ana
              rastro lead ack L-MX-SAT-000001 --as tom
              rastro lead decide L-MX-SAT-000001 accept --as tom
              rastro lead outcome L-MX-SAT-000001 seizure --note "120 kg at the warehouse" --as tom
            """,
        subcommands: [Create.self, Send.self, List.self, Show.self, Ack.self, Decide.self, Outcome.self, Note.self])

    struct Context: ParsableArguments {
        @OptionGroup var store: DatabaseOptions
        @OptionGroup var viewer: ViewerOptions

        func run<T>(_ body: (Store, Viewer, NodeSettings) async throws -> T) async throws -> T {
            try await store.withStore { store in
                let settings = try await store.settings()
                let viewer = try await viewer.viewer(store, settings)
                do {
                    return try await body(store, viewer, settings)
                } catch let refusal as LeadDesk.Refusal {
                    throw Failure(code: Failure.rejectedInput, message: refusal.description)
                } catch let error as StoreError where error.code == .conflict {
                    throw Failure(code: Failure.rejectedInput, message: error.message)
                }
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a draft lead from the last analysis.")
        @OptionGroup var context: Context
        @Option(help: ArgumentHelp("A consignment id.", valueName: "id")) var consignment: String?
        @Option(help: ArgumentHelp("An entity id.", valueName: "id")) var entity: String?
        @Option(help: ArgumentHelp("An area, by its rank in the last analysis (1 = best).", valueName: "rank")) var area: Int?
        @Option(help: "A title for the recipient (it travels with the lead: do not put in it what the recipient may not see).")
        var title: String
        @Option(help: "What you ask or suggest, in a few sentences.") var summary = ""
        @Option(help: "The lead's marking when sent: amber (default) or amber+strict.") var tlp = "amber"
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard [consignment != nil, entity != nil, area != nil].filter({ $0 }).count == 1 else {
                throw ValidationError("give one of --consignment, --entity, --area")
            }
            guard let level = TLP(parsing: tlp), level == .amber || level == .amberStrict else {
                throw ValidationError("--tlp must be amber or amber+strict (a lead is for sending; TLP:CLEAR and GREEN are too open, RED cannot leave)")
            }
        }

        func run() async throws {
            let lead = try await context.run { store, viewer, settings in
                let shared = try await SharedRun.load(store, viewer: viewer, settings: settings, action: "lead", withDetail: true)
                let subject: LeadDesk.Subject = consignment.map { .consignment($0) } ?? entity.map { .entity($0) } ?? .area(area ?? 0)
                let lead = try await LeadDesk(store: store, viewer: viewer).create(from: subject, in: shared, title: title, summary: summary,
                                                                                   tlp: TLP(parsing: tlp)!)
                return lead
            }
            if json { return try Terminal.json(lead) }
            print("created \(lead.leadID) (draft, \(lead.evidence.count) evidence records); send it with `rastro lead send \(lead.leadID) --to ORG`")
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a draft lead to another member organization.")
        @OptionGroup var context: Context
        @Argument(help: ArgumentHelp("The lead.", valueName: "lead")) var lead: String
        @Option(help: ArgumentHelp("The recipient organization.", valueName: "org")) var to: String
        @Option(help: "Change the lead's marking: amber or amber+strict.") var tlp: String?

        func validate() throws {
            if let tlp {
                guard let level = TLP(parsing: tlp), level == .amber || level == .amberStrict else {
                    throw ValidationError("--tlp must be amber or amber+strict")
                }
            }
        }

        func run() async throws {
            let (sent, withheld) = try await context.run { store, viewer, _ in
                try await LeadDesk(store: store, viewer: viewer).send(lead, to: to.uppercased(), tlp: tlp.flatMap { TLP(parsing: $0) })
            }
            print("sent \(sent.leadID) to \(sent.recipientOrg ?? "") as \(sent.marking.tlp.label); "
                  + "\(sent.evidence.count - withheld.count) of \(sent.evidence.count) evidence records released")
            if !withheld.isEmpty {
                Terminal.note("withheld (\(sent.recipientOrg ?? "") may not see them): "
                              + withheld.prefix(10).map { "\($0.kind):\($0.id)" }.joined(separator: ", ") + (withheld.count > 10 ? ", …" : ""))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the leads your organization sent or received.")
        @OptionGroup var context: Context
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let (leads, viewer) = try await context.run { store, viewer, _ in
                let leads = try await LeadDesk(store: store, viewer: viewer).list()
                try await store.auditRead([AuditEvent.read(viewer, objects: leads.map { "lead/" + $0.leadID }, detail: "lead list")])
                return (leads, viewer)
            }
            let rows = leads.map { lead in
                Row(lead: lead.leadID, direction: lead.originOrg == viewer.organization ? "sent" : "received",
                    other: lead.originOrg == viewer.organization ? (lead.recipientOrg ?? "") : lead.originOrg,
                    status: lead.status.rawValue, outcome: lead.outcome?.rawValue, title: lead.title, tlp: lead.marking.tlp.label)
            }
            if json { return try Terminal.json(rows) }
            Terminal.table(["lead", "", "with", "status", "outcome", "tlp", "title"],
                           rows.map { [$0.lead, $0.direction, $0.other, $0.status, $0.outcome ?? "", $0.tlp, $0.title] })
        }
    }

    struct Row: Encodable {
        var lead: String, direction: String, other: String, status: String, outcome: String?, title: String, tlp: String
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a lead, its released evidence and its history.")
        @OptionGroup var context: Context
        @Argument(help: ArgumentHelp("The lead.", valueName: "lead")) var lead: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let leadID = lead
            let view = try await context.run { store, viewer, _ in try await LeadDesk(store: store, viewer: viewer).view(leadID) }
            if json { return try Terminal.json(view) }
            let lead = view.lead
            print("\(lead.leadID)  \(lead.marking.tlp.label)  \(lead.status.rawValue)\(lead.outcome.map { " — outcome: \($0.rawValue)" } ?? "")")
            print("  \(lead.title)")
            if !lead.summary.isEmpty { print("  \(lead.summary)") }
            print("  from \(lead.originOrg) (\(lead.createdBy), \(lead.createdAt))" + (lead.recipientOrg.map { " to \($0)" } ?? ""))
            print("  about \(lead.subjectKind)" + (lead.subjectID.isEmpty ? "" : " \(lead.subjectID)")
                  + (lead.score.map { String(format: ", score %.2f", $0) } ?? ""))
            if !view.reasons.isEmpty { print("  reasons:") }
            for reason in view.reasons {
                print(String(format: "    %+.2f  %@ — %@", reason.contribution, reason.rule, reason.detail))
            }
            print("  evidence (\(view.evidence.count)): " + view.evidence.prefix(20).map { "\($0.kind):\($0.id)" }.joined(separator: ", ")
                  + (view.evidence.count > 20 ? ", …" : ""))
            if let withheld = view.withheldEvidence, !withheld.isEmpty {
                print("  withheld from \(lead.recipientOrg ?? ""): \(withheld.count) evidence records, \(view.withheldReasons ?? 0) reasons")
            }
            print("  history:")
            for event in view.history {
                print("    \(event.at)  \(event.actor) (\(event.orgID))  \(event.action)\(event.isPrivate ? " [internal]" : "")"
                      + (event.detail.isEmpty ? "" : "  \(event.detail)"))
            }
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge a lead you received.")
        @OptionGroup var context: Context
        @Argument(help: ArgumentHelp("The lead.", valueName: "lead")) var lead: String
        @Option(help: "A word back to the sender.") var note = ""

        func run() async throws {
            let updated = try await context.run { store, viewer, _ in try await LeadDesk(store: store, viewer: viewer).acknowledge(lead, note: note) }
            print("\(updated.leadID): \(updated.status.rawValue)")
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept or decline a lead you received.")
        @OptionGroup var context: Context
        @Argument(help: ArgumentHelp("The lead.", valueName: "lead")) var lead: String
        @Argument(help: ArgumentHelp("accept or decline.", valueName: "decision")) var decision: String
        @Option(help: "Why (required to decline); the sender sees it.") var reason = ""

        func validate() throws {
            guard decision == "accept" || decision == "decline" else { throw ValidationError("DECISION must be accept or decline") }
        }

        func run() async throws {
            let updated = try await context.run { store, viewer, _ in
                try await LeadDesk(store: store, viewer: viewer).decide(lead, accept: decision == "accept", reason: reason)
            }
            print("\(updated.leadID): \(updated.status.rawValue)")
        }
    }

    struct Outcome: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Report the outcome of a lead you accepted; it returns to the sender.")
        @OptionGroup var context: Context
        @Argument(help: ArgumentHelp("The lead.", valueName: "lead")) var lead: String
        @Argument(help: ArgumentHelp("lab_found, seizure, nothing_found or legitimate.", valueName: "outcome")) var outcome: String
        @Option(help: "What was found or done; the sender sees it.") var note = ""

        func validate() throws {
            guard Lead.Outcome(rawValue: outcome) != nil else {
                throw ValidationError("OUTCOME must be lab_found, seizure, nothing_found or legitimate")
            }
        }

        func run() async throws {
            let updated = try await context.run { store, viewer, _ in
                try await LeadDesk(store: store, viewer: viewer).recordOutcome(lead, Lead.Outcome(rawValue: outcome)!, note: note)
            }
            print("\(updated.leadID): \(updated.status.rawValue), \(updated.outcome?.rawValue ?? "")")
        }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an internal note to a lead: only your organization sees it.")
        @OptionGroup var context: Context
        @Argument(help: ArgumentHelp("The lead.", valueName: "lead")) var lead: String
        @Argument(help: ArgumentHelp("The note.", valueName: "text")) var text: String

        func run() async throws {
            try await context.run { store, viewer, _ in try await LeadDesk(store: store, viewer: viewer).note(lead, text) }
            print("\(lead): note added (internal to your organization)")
        }
    }
}
