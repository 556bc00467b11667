public import Foundation
public import RastroModel
public import RastroStore

/// A resolved entity as one viewer may see it: the members whose records it may see (with their
/// attributes as it sees them, redacted where the originator's rules say so), the associations its
/// own view of them carries with other entities it may see, and the pairs that joined the members.
/// What `rastro entity` prints and the workbench's party page shows.
public struct EntityView: Sendable {
    public struct Member: Sendable, Codable {
        public var mention: Mention
        public var name: String
        public var taxID: String?
        public var address: String?
        public var phone: String?
        public var email: String?
        public var representative: String?
        public var marking: Marking
        /// Fields of the record withheld from the viewer.
        public var redactedFields: [String]
    }

    /// A phone, address or representative the entity shares with other entities (a link, not a merge).
    public struct Shared: Sendable, Codable, Hashable {
        public var kind: String
        public var value: String
        public var entities: [String]
    }

    /// A pair that joined two of the members' profiles, explained field by field.
    public struct Link: Sendable, Codable {
        public var explanation: PairExplanation
        /// `model` or `confirm #N`.
        public var source: String
        public var probability: Double
    }

    public var entityID: String
    /// The stored name when the viewer may see every member; otherwise a name of a member it sees.
    public var name: String
    public var marking: Marking
    public var members: [Member]
    public var associations: [Shared]
    public var links: [Link]
    /// How many members the entity has in all (the viewer may see fewer).
    public var storedMembers: Int
    /// Each visible member's attributes as a mention, for explaining pairs.
    public var parties: [Mention: PartyMention]

    /// The entity as `viewer` may see it; nil when there is no such entity or the viewer may see none
    /// of its members. `explain` also reads the model and explains the pairs that joined the members.
    public static func load(_ store: Store, entityID: String, viewer: Viewer, explain: Bool = false) async throws -> EntityView? {
        let stored = try await store.entityMembers(entityID)
        let visible = try await store.visible(stored.map(\.0), viewer: viewer)
        guard let row = try await store.entity(entityID), !visible.isEmpty else { return nil }
        // Each visible member's attributes, from its current record (read once per record).
        var byRecord: [String: Record] = [:]
        var byKind: [Kind: Set<String>] = [:]
        for (mention, _) in stored where visible.contains(mention) {
            if let kind = Kind(rawValue: mention.kind) { byKind[kind, default: []].insert(Store.recordID(of: mention)) }
        }
        for (kind, ids) in byKind {
            for record in try await store.currentRecords(kind, ids: ids, viewer: viewer) {
                byRecord[kind.rawValue + "\u{0}" + record.id] = record
            }
        }
        var members: [Member] = []
        var parties: [Mention: PartyMention] = [:]
        var byFingerprint: [String: PartyMention] = [:]
        for (mention, fingerprint) in stored where visible.contains(mention) {
            guard let record = byRecord[mention.kind + "\u{0}" + Store.recordID(of: mention)],
                  let party = PartyMention.mentions(in: record).first(where: { $0.mention == mention }) else { continue }
            parties[mention] = party
            if byFingerprint[fingerprint] == nil { byFingerprint[fingerprint] = party }
            members.append(Member(mention: mention, name: party.name, taxID: party.taxID, address: party.address, phone: party.phone,
                                  email: party.email, representative: party.representative, marking: record.marking,
                                  redactedFields: record.redactedFields))
        }
        // Registry rows first, then the rest in mention order.
        members.sort { left, right in
            let (a, b) = (left.mention.kind == Kind.organizations.rawValue, right.mention.kind == Kind.organizations.rawValue)
            return a != b ? a : left.mention < right.mention
        }
        let associations = try await sharedValues(store, entityID: entityID, parties: Array(parties.values), viewer: viewer)
        var links: [Link] = []
        if explain, let model = try await storedModel(store) {
            let resolver = Resolver()
            for link in try await store.entityLinks(entityID) {
                guard let left = byFingerprint[link.left], let right = byFingerprint[link.right] else { continue }
                links.append(Link(explanation: resolver.explain(left, right, model: model), source: link.source,
                                  probability: link.probability))
            }
        }
        let name = visible.count == stored.count ? row.name : members.first?.name ?? row.name
        // The stored marking derives from every member; a viewer who sees fewer gets its own part's.
        let marking = visible.count == stored.count ? row.marking
            : Marking.mostRestrictive(members.map(\.marking), originator: row.marking.originator)
        return EntityView(entityID: entityID, name: name, marking: marking, members: members, associations: associations,
                          links: links, storedMembers: stored.count, parties: parties)
    }

    /// Associations the viewer's own view of the members carries, with the other entities it may see.
    static func sharedValues(_ store: Store, entityID: String, parties: [PartyMention], viewer: Viewer) async throws -> [Shared] {
        var held = Set<String>()
        for party in parties {
            for (kind, value) in Resolver.associationValues(of: party) { held.insert(kind + "\u{0}" + value) }
        }
        var shared: [String: [String]] = [:]
        var visibleEntity: [String: Bool] = [entityID: true]
        for association in try await store.entityAssociations(entityID)
        where held.contains(association.kind + "\u{0}" + association.value) && association.entityID != entityID {
            if visibleEntity[association.entityID] == nil {
                let others = try await store.entityMembers(association.entityID).map(\.0)
                visibleEntity[association.entityID] = try await !store.visible(others, viewer: viewer).isEmpty
            }
            guard visibleEntity[association.entityID] == true else { continue }
            shared[association.kind + "\u{0}" + association.value, default: []].append(association.entityID)
        }
        return shared.keys.sorted().map { key in
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            return Shared(kind: parts[0], value: parts[1], entities: shared[key]!.sorted())
        }
    }

    /// The name of an entity as the viewer may see it: the stored name when it may see every
    /// member, else the name of a member it sees (a registry row first); nil when it sees none.
    /// The marking is the stored one, or the most restrictive of the members it sees.
    public static func visibleName(_ store: Store, entityID: String, viewer: Viewer) async throws
        -> (name: String, mentions: Int, marking: Marking)? {
        guard let row = try await store.entity(entityID) else { return nil }
        let members = try await store.entityMembers(entityID)
        let visible = try await store.visible(members.map(\.0), viewer: viewer)
        guard !visible.isEmpty else { return nil }
        guard visible.count < members.count else { return (row.name, visible.count, row.marking) }
        let references = Set(visible.map { Findings.EvidenceRef(kind: $0.kind, id: Store.recordID(of: $0)) })
        let marking = Marking.mostRestrictive(try await store.markings(of: references, viewer: viewer).values,
                                              originator: row.marking.originator)
        guard let first = members.first(where: { visible.contains($0.0) && $0.0.kind == Kind.organizations.rawValue })
                  ?? members.first(where: { visible.contains($0.0) }),
              let record = try await store.record(of: first.0, viewer: viewer),
              let party = PartyMention.mentions(in: record).first(where: { $0.mention == first.0 }) else { return nil }
        return (party.name, visible.count, marking)
    }

    /// The entity a mention belongs to, as the last resolution stored it (nil when the viewer may
    /// not see the mention, or it is not resolved as it is now).
    public static func entityID(of mention: Mention, viewer: Viewer, in store: Store) async throws -> String? {
        guard let record = try await store.record(of: mention, viewer: viewer),
              let party = PartyMention.mentions(in: record).first(where: { $0.mention == mention }) else { return nil }
        return try await store.entityID(ofProfile: Resolution.fingerprint(party), mention: mention)
    }

    /// The model of the last resolution run; nil before the first.
    public static func storedModel(_ store: Store) async throws -> FellegiSunter? {
        guard let run = try await store.resolutionRuns(limit: 1).first else { return nil }
        return try? JSONDecoder().decode(FellegiSunter.self, from: Data(run.model.utf8))
    }
}
