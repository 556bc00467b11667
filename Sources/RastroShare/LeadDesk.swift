import Foundation
public import RastroModel
public import RastroStore

/// The rules of leads between organizations (docs/sharing.md):
///
/// - An analyst creates a draft from what it may see: a subject, its reasons and their evidence.
/// - Only the originating organization sends it, once, to another member organization. A lead is
///   a new product authored by its sender: its marking is the sender's choice (TLP:AMBER by
///   default, never RED), releasable to the recipient. The evidence keeps its own markings: the
///   recipient sees the evidence it may see, and a reason only when it may see all of that
///   reason's evidence; the rest is withheld, and the sender is told what.
/// - The recipient acknowledges, accepts or declines (with a reason), and reports an outcome;
///   the outcome returns to the originator and is kept to measure the rules' precision.
/// - Either side may keep internal notes that the other never sees.
public struct LeadDesk: Sendable {
    public let store: Store
    public let viewer: Viewer

    public init(store: Store, viewer: Viewer) {
        self.store = store
        self.viewer = viewer
    }

    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// A lead as its viewer may see it.
    public struct View: Sendable, Encodable {
        public var lead: Lead
        /// Evidence the viewer may see.
        public var evidence: [Findings.EvidenceRef]
        /// Reasons whose every piece of evidence the viewer may see.
        public var reasons: [Lead.Reason]
        /// For the originator: evidence and reasons the recipient does not get.
        public var withheldEvidence: [Findings.EvidenceRef]?
        public var withheldReasons: Int?
        public var history: [LeadEvent]
    }

    public func create(subjectKind: String, subjectID: String, title: String, summary: String, score: Double?,
                       reasons: [Lead.Reason], tlp: TLP = .amber) async throws -> Lead {
        guard ["consignments", "entities", "areas"].contains(subjectKind) else {
            throw Refusal("a lead is about consignments, entities or areas, not \(subjectKind)")
        }
        guard !title.trimmingCharacters(in: .whitespaces).isEmpty else { throw Refusal("a lead needs a title") }
        var evidence: [Findings.EvidenceRef] = []
        var seen = Set<Findings.EvidenceRef>()
        for reference in reasons.flatMap(\.evidence) where seen.insert(reference).inserted { evidence.append(reference) }
        // The creator may package only what it may see.
        let visible = try await visibleSet(evidence, to: viewer)
        guard visible.count == evidence.count else {
            throw Refusal("\(evidence.count - visible.count) evidence records are not visible to \(viewer)")
        }
        let now = Self.now()
        let lead = Lead(leadID: "", createdAt: now, createdBy: viewer.actor, originOrg: viewer.organization, subjectKind: subjectKind,
                        subjectID: subjectID, title: title, summary: summary, score: score, reasons: reasons, evidence: evidence,
                        marking: Marking(tlp: tlp, originator: viewer.organization), updatedAt: now)
        return try await store.createLead(lead, by: viewer)
    }

    /// Sends a draft to `recipient`; returns the lead and what the recipient will not see.
    public func send(_ leadID: String, to recipient: String, tlp: TLP? = nil) async throws -> (Lead, withheld: [Findings.EvidenceRef]) {
        guard let member = try await store.member(recipient) else {
            throw Refusal("\(recipient) is not a member organization of this node")
        }
        guard let current = try await store.lead(leadID, viewer: viewer) else { throw Refusal("no lead \(leadID) that you may see") }
        let recipientViewer = Viewer(organization: member.orgID, country: member.country)
        let released = try await visibleSet(current.evidence, to: recipientViewer)
        let withheld = current.evidence.filter { !released.contains($0) }
        // The history is shared with the recipient: it says nothing of what was withheld.
        let lead = try await apply(.send(to: member.orgID, tlp: tlp ?? current.marking.tlp), to: leadID, action: "send",
                                   detail: "to \(member.orgID)")
        return (lead, withheld)
    }

    public func acknowledge(_ leadID: String, note: String = "") async throws -> Lead {
        try await apply(.acknowledge, to: leadID, action: "ack", detail: note)
    }

    public func decide(_ leadID: String, accept: Bool, reason: String) async throws -> Lead {
        try await apply(accept ? .accept : .decline(reason: reason), to: leadID, action: accept ? "accept" : "decline", detail: reason)
    }

    public func recordOutcome(_ leadID: String, _ outcome: Lead.Outcome, note: String) async throws -> Lead {
        try await apply(.outcome(outcome), to: leadID, action: "outcome", detail: "\(outcome.rawValue)\(note.isEmpty ? "" : ": " + note)")
    }

    /// An internal note: only the writer's organization ever sees it.
    public func note(_ leadID: String, _ text: String) async throws {
        guard !text.trimmingWhitespace().isEmpty else { throw Refusal("an empty note") }
        _ = try await store.updateLead(leadID, viewer: viewer, action: "note", detail: text, isPrivate: true) { $0 }
    }

    /// Runs one transition on the stored lead, in the store's audited transaction.
    private func apply(_ event: LeadTransitions.Event, to leadID: String, action: String, detail: String) async throws -> Lead {
        let organization = viewer.organization
        do {
            return try await store.updateLead(leadID, viewer: viewer, action: action, detail: detail) { lead in
                try LeadTransitions.apply(event, to: lead, by: organization, at: Self.now())
            }
        } catch let refusal as LeadTransitions.Refusal {
            throw Refusal(refusal.description)
        } catch let error as StoreError where error.code == .conflict {
            throw Refusal(error.message)
        }
    }

    public func list() async throws -> [Lead] {
        try await store.leads(viewer: viewer)
    }

    /// A lead with the evidence and reasons the viewer may see, and its history.
    /// `audit: false` is for callers that audit the read themselves (an export audits once).
    public func view(_ leadID: String, audit: Bool = true) async throws -> View {
        guard let lead = try await store.lead(leadID, viewer: viewer) else { throw Refusal("no lead \(leadID) that you may see") }
        let visible = try await visibleSet(lead.evidence, to: viewer)
        var shown = lead
        let reasons = lead.reasons.filter { $0.evidence.allSatisfy(visible.contains) }
        shown.reasons = []
        shown.evidence = []
        // The score rests on every reason: it is shown only with all of them.
        if reasons.count < lead.reasons.count { shown.score = nil }
        // A consignment's id comes from its record: a reader who may not see the record gets no id.
        if lead.subjectKind == Kind.consignments.rawValue,
           try await visibleSet([.init(kind: lead.subjectKind, id: lead.subjectID)], to: viewer).isEmpty {
            shown.subjectID = ""
        }
        var view = View(lead: shown, evidence: lead.evidence.filter(visible.contains), reasons: reasons,
                        history: try await store.leadEvents(leadID, viewer: viewer))
        if lead.originOrg == viewer.organization, let recipient = lead.recipientOrg, let member = try await store.member(recipient) {
            let released = try await visibleSet(lead.evidence, to: Viewer(organization: member.orgID, country: member.country))
            view.withheldEvidence = lead.evidence.filter { !released.contains($0) }
            view.withheldReasons = lead.reasons.filter { !$0.evidence.allSatisfy(released.contains) }.count
        }
        if audit { try await store.auditRead([AuditEvent(viewer, "read", objects: ["lead/" + leadID] + view.evidence.map { "\($0.kind)/\($0.id)" },
                                          detail: "lead")]) }
        return view
    }

    /// Of `references`, those `reader` may see.
    func visibleSet(_ references: [Findings.EvidenceRef], to reader: Viewer) async throws -> Set<Findings.EvidenceRef> {
        let mentions = references.map { Mention(kind: $0.kind, id: $0.id, role: .self) }
        let visible = try await store.visible(mentions, viewer: reader)
        return Set(references.filter { visible.contains(Mention(kind: $0.kind, id: $0.id, role: .self)) })
    }

    static func now() -> String {
        Timestamp.format(epoch: Int64(Date().timeIntervalSince1970))
    }
}

/// Precision of the rules behind leads with an outcome: how many of the leads a rule was a reason
/// of were confirmed (a lab found or a seizure).
public struct LeadPrecision: Sendable, Hashable, Codable {
    public var rule: String
    public var leads: Int
    public var confirmed: Int
    public var precision: Double { leads == 0 ? 0 : Double(confirmed) / Double(leads) }

    public static func byRule(_ leads: [Lead]) -> [LeadPrecision] {
        var counts: [String: (Int, Int)] = [:]
        for lead in leads {
            guard let outcome = lead.outcome else { continue }
            for rule in Set(lead.reasons.map(\.rule)) {
                let (total, confirmed) = counts[rule] ?? (0, 0)
                counts[rule] = (total + 1, confirmed + (outcome.confirms ? 1 : 0))
            }
        }
        return counts.map { LeadPrecision(rule: $0.key, leads: $0.value.0, confirmed: $0.value.1) }
            .sorted { ($0.leads, $1.rule) > ($1.leads, $0.rule) }
    }

    enum CodingKeys: String, CodingKey { case rule, leads, confirmed, precision }

    public init(rule: String, leads: Int, confirmed: Int) {
        self.rule = rule
        self.leads = leads
        self.confirmed = confirmed
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(rule: try container.decode(String.self, forKey: .rule), leads: try container.decode(Int.self, forKey: .leads),
                  confirmed: try container.decode(Int.self, forKey: .confirmed))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule, forKey: .rule)
        try container.encode(leads, forKey: .leads)
        try container.encode(confirmed, forKey: .confirmed)
        try container.encode(precision, forKey: .precision)
    }
}
