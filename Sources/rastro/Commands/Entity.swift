import ArgumentParser
import Foundation
import RastroModel
import RastroResolve
import RastroStore

/// `rastro entity`: the entities `rastro resolve` stored, as the viewer may see them.
struct Entity: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a resolved entity: its members, associations and, with --explain, why they are one.",
        discussion: """
            TARGET is an entity id (E-0000042) or one of its mentions (KIND:ID:ROLE). Without \
            TARGET, lists the entities with the most mentions. Only members whose records the \
            viewer may see are shown; an entity with none is not found. --explain shows, for each \
            pair that joined the entity's members, every field's values, comparison level and \
            weight under the model of the run that stored them; --pair A --pair B explains any \
            two mentions.

            Examples:
              rastro entity
              rastro entity E-0000042 --explain
              rastro entity consignments:C-26-1234567:importer
              rastro entity E-0000042 --pair transfers:T-1:to --pair organizations:ORG-123456:self
            """)

    @OptionGroup var store: DatabaseOptions
    @OptionGroup var viewer: ViewerOptions

    @Argument(help: ArgumentHelp("An entity id or a mention (KIND:ID:ROLE).", valueName: "target"))
    var target: String?

    @Flag(help: "Show, for each pair that joined the members, the per-field evidence and weights.")
    var explain = false

    @Option(help: ArgumentHelp("A mention to explain against another (give two).", valueName: "mention"))
    var pair: [String] = []

    @Option(help: "How many entities to list without TARGET.")
    var limit = 20

    @Flag(help: "Print JSON.")
    var json = false

    struct Member: Encodable {
        var mention: Mention
        var name: String
        var taxID: String?
        var address: String?
        var phone: String?
        var email: String?
        var representative: String?
        var tlp: String
        var originator: String
    }

    struct Shared: Encodable {
        var kind: String
        var value: String
        var entities: [String]
    }

    struct Report: Encodable {
        var entityID: String
        var name: String
        var marking: Marking
        var members: [Member]
        var associations: [Shared]
        var links: [PairExplanation]?
        var linkSources: [String]?
        var pair: PairExplanation?
    }

    struct Listed: Encodable {
        var entityID: String
        var name: String
        var mentions: Int
        var tlp: String
    }

    func validate() throws {
        guard pair.isEmpty || pair.count == 2 else { throw ValidationError("--pair takes two mentions") }
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        try await store.withStore { store in try await run(store) }
    }

    func run(_ store: Store) async throws {
        let settings = try await store.settings()
        let viewer = try await viewer.viewer(store, settings)
        guard let target else { return try await list(store, viewer: viewer) }
        let entityID: String
        if target.contains(":") {
            let mention = try parseMention(target)
            guard let record = try await store.record(of: mention, viewer: viewer),
                  let party = PartyMention.mentions(in: record).first(where: { $0.mention == mention }) else {
                throw Failure(code: Failure.rejectedInput, message: "\(target): no such mention that you may see")
            }
            guard let found = try await store.entityID(ofProfile: Resolution.fingerprint(party), mention: mention) else {
                throw Failure(code: Failure.rejectedInput, message: "\(target): not resolved as it is now; run `rastro resolve`")
            }
            entityID = found
        } else {
            entityID = target
        }
        guard let model = try await EntityView.storedModel(store) else {
            throw Failure(code: Failure.usage, message: "no resolution has run yet: run `rastro resolve` first")
        }
        guard let view = try await EntityView.load(store, entityID: entityID, viewer: viewer, explain: explain) else {
            throw Failure(code: Failure.rejectedInput, message: "no entity \(entityID) that you may see")
        }
        try await store.auditRead([AuditEvent(viewer, "read", objects: ["entity/" + entityID], detail: "entity")])
        let members = view.members.map { member in
            Member(mention: member.mention, name: member.name, taxID: member.taxID, address: member.address, phone: member.phone,
                   email: member.email, representative: member.representative, tlp: member.marking.tlp.rawValue,
                   originator: member.marking.originator)
        }
        let mentionOf = view.parties
        let associations = view.associations.map { Shared(kind: $0.kind, value: $0.value, entities: $0.entities) }
        let links: [PairExplanation]? = explain ? view.links.map(\.explanation) : nil
        let sources: [String]? = explain ? view.links.map(\.source) : nil
        let resolver = Resolver()
        var pairExplanation: PairExplanation?
        if pair.count == 2 {
            let wanted = try pair.map(parseMention)
            var found: [PartyMention] = []
            for (text, mention) in zip(pair, wanted) {
                if let known = mentionOf[mention] {
                    found.append(known)
                } else if try await !store.visible([mention], viewer: viewer).isEmpty,
                          let record = try await store.record(of: mention, viewer: viewer),
                          let party = PartyMention.mentions(in: record).first(where: { $0.mention == mention }) {
                    found.append(party)
                } else {
                    throw Failure(code: Failure.rejectedInput, message: "\(text): no such mention that you may see")
                }
            }
            pairExplanation = resolver.explain(found[0], found[1], model: model)
        }
        let name = view.name
        let row = view
        let report = Report(entityID: entityID, name: name, marking: row.marking, members: members,
                            associations: associations, links: links, linkSources: sources, pair: pairExplanation)
        if json {
            try Terminal.json(report)
            return
        }
        print("\(report.entityID)  \(report.name)  \(report.marking.tlp.label)"
              + (report.marking.releasableTo.isEmpty ? "" : "  releasable to \(report.marking.releasableTo.joined(separator: ";"))"))
        print("\(members.count) mentions")
        Terminal.table(["mention", "name", "tax id", "address", "phone", "tlp"], members.map { member in
            [mentionText(member.mention), member.name, member.taxID ?? "", member.address ?? "", member.phone ?? "", member.tlp]
        })
        if !associations.isEmpty {
            print("")
            print("associated with (shared, not merged):")
            Terminal.table(["shared", "value", "entities"], associations.map { [$0.kind, $0.value, $0.entities.joined(separator: ", ")] })
        }
        if let links, let sources {
            for (explanation, source) in zip(links, sources) {
                print("")
                print("\(mentionText(explanation.left)) — \(mentionText(explanation.right))  joined by \(source == "model" ? "the model" : "analyst's " + source)")
                printExplanation(explanation)
            }
            if links.isEmpty { print("\nno pair joined members you may see (a single profile, or joins through records you may not see)") }
        }
        if let pairExplanation {
            print("")
            print("\(pair[0]) vs \(pair[1]):")
            printExplanation(pairExplanation)
        }
    }

    func list(_ store: Store, viewer: Viewer) async throws {
        guard try await !store.resolutionRuns(limit: 1).isEmpty else {
            throw Failure(code: Failure.usage, message: "no resolution has run yet: run `rastro resolve` first")
        }
        var listed: [Listed] = []
        var offset = 0
        while listed.count < limit {
            let page = try await store.entities(limit: 200, offset: offset)
            if page.isEmpty { break }
            offset += page.count
            for row in page where listed.count < limit {
                guard let seen = try await EntityView.visibleName(store, entityID: row.entityID, viewer: viewer) else { continue }
                listed.append(Listed(entityID: row.entityID, name: seen.name, mentions: seen.mentions, tlp: row.marking.tlp.rawValue))
            }
        }
        try await store.auditRead([AuditEvent.read(viewer, objects: listed.map { "entity/" + $0.entityID }, detail: "entity list")])
        if json {
            try Terminal.json(listed)
            return
        }
        Terminal.table(["entity", "name", "mentions", "tlp"], listed.map { [$0.entityID, $0.name, "\($0.mentions)", $0.tlp] })
    }
}
