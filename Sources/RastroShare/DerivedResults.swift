public import RastroModel
public import RastroStore

/// What a viewer may see of derived results (scores, entities, areas, alerts, leads): a result is
/// shown only when every record it rests on — its subject and the evidence of each of its
/// reasons — is visible to the viewer; an entity is shown with the mentions the viewer may see
/// (recomputed from the visible part), and its name and risk only when all of them are visible.
/// The node's own organization sees everything its analysis read.
public struct DerivedResults: Sendable {
    public let store: Store
    public let viewer: Viewer
    /// True when the viewer has the node's rights (the analysis read only what the node may see).
    public let isNode: Bool
    private var known: [Findings.EvidenceRef: Bool] = [:]

    public init(store: Store, viewer: Viewer, settings: NodeSettings) {
        self.store = store
        self.viewer = viewer
        isNode = viewer.organization == settings.organization
    }

    /// Looks up, in batches, which of `references` the viewer may see, and remembers it.
    public mutating func prepare(_ references: some Sequence<Findings.EvidenceRef>) async throws {
        guard !isNode else { return }
        let wanted = Set(references).filter { known[$0] == nil }
        guard !wanted.isEmpty else { return }
        let mentions = wanted.map { Mention(kind: $0.kind, id: $0.id, role: .self) }
        let visible = try await store.visible(mentions, viewer: viewer)
        for reference in wanted {
            known[reference] = visible.contains(Mention(kind: reference.kind, id: reference.id, role: .self))
        }
    }

    /// True when every reference is visible (after `prepare`; an unprepared one counts as hidden).
    public func allVisible(_ references: some Sequence<Findings.EvidenceRef>) -> Bool {
        isNode || references.allSatisfy { known[$0] == true }
    }

    public func isVisible(_ reference: Findings.EvidenceRef) -> Bool {
        isNode || known[reference] == true
    }

    /// The findings the viewer may see. `inputs` gives, for a consignment id or an entity id, the
    /// evidence its score rests on (from the run's detail).
    public mutating func findings(_ findings: Findings, consignmentInputs: [String: [Findings.EvidenceRef]],
                                  entityInputs: [String: [Findings.EvidenceRef]]) async throws -> Findings {
        guard !isNode else { return findings }
        var references: [Findings.EvidenceRef] = []
        for finding in findings.consignments {
            references.append(.init(kind: Kind.consignments.rawValue, id: finding.consignmentID))
            references += consignmentInputs[finding.consignmentID] ?? []
        }
        for entity in findings.entities {
            references += entity.mentions.map { .init(kind: $0.kind, id: $0.id) }
            references += entityInputs[entity.entityID] ?? []
        }
        for area in findings.areas { references += area.evidence }
        try await prepare(references)

        var out = Findings()
        out.consignments = findings.consignments.filter { finding in
            allVisible([.init(kind: Kind.consignments.rawValue, id: finding.consignmentID)] + (consignmentInputs[finding.consignmentID] ?? []))
        }
        for entity in findings.entities {
            let mentions = entity.mentions.filter { isVisible(.init(kind: $0.kind, id: $0.id)) }
            guard !mentions.isEmpty else { continue }
            let whole = mentions.count == entity.mentions.count
            let scored = whole && allVisible(entityInputs[entity.entityID] ?? [])
            out.entities.append(Findings.EntityFinding(entityID: entity.entityID, name: whole ? entity.name : nil,
                                                       risk: scored ? entity.risk : nil, mentions: mentions))
        }
        out.areas = findings.areas.filter { allVisible($0.evidence) }
        return out
    }
}
