import Foundation
public import RastroModel

/// An investigative lead: evidence an analyst packages (a consignment, an entity or an area, with
/// its reasons and evidence ids) and sends, marked, to another organization's unit, which
/// acknowledges it, accepts or declines it, and reports an outcome.
public struct Lead: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case draft, sent, acknowledged, accepted, declined, closed
    }

    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        case labFound = "lab_found", seizure, nothingFound = "nothing_found", legitimate

        /// Whether the outcome confirms the lead (for the precision of the rules behind it).
        public var confirms: Bool { self == .labFound || self == .seizure }
    }

    /// A reason of the score the lead was made from, with its evidence.
    public typealias Reason = RiskReason

    public var leadID: String
    public var createdAt: String
    public var createdBy: String
    public var originOrg: String
    public var recipientOrg: String?
    /// `consignments`, `entities` or `areas`.
    public var subjectKind: String
    public var subjectID: String
    public var title: String
    public var summary: String
    public var score: Double?
    public var reasons: [Reason]
    public var evidence: [Findings.EvidenceRef]
    public var marking: Marking
    public var status: Status
    public var outcome: Outcome?
    public var outcomeAt: String?
    public var updatedAt: String

    public init(leadID: String, createdAt: String, createdBy: String, originOrg: String, recipientOrg: String? = nil,
                subjectKind: String, subjectID: String, title: String, summary: String, score: Double?, reasons: [Reason],
                evidence: [Findings.EvidenceRef], marking: Marking, status: Status = .draft, outcome: Outcome? = nil,
                outcomeAt: String? = nil, updatedAt: String) {
        self.leadID = leadID
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.originOrg = originOrg
        self.recipientOrg = recipientOrg
        self.subjectKind = subjectKind
        self.subjectID = subjectID
        self.title = title
        self.summary = summary
        self.score = score
        self.reasons = reasons
        self.evidence = evidence
        self.marking = marking
        self.status = status
        self.outcome = outcome
        self.outcomeAt = outcomeAt
        self.updatedAt = updatedAt
    }
}

/// One step in a lead's history. A private event (a unit's internal note) is seen only by the
/// organization that wrote it.
public struct LeadEvent: Sendable, Hashable, Codable {
    public var leadID: String
    public var seq: Int
    public var at: String
    public var actor: String
    public var orgID: String
    public var action: String
    public var detail: String
    public var isPrivate: Bool
}

extension Store {
    /// Who may see a lead, as SQL: its originator always; its recipient once it was sent.
    static func leadPredicate(_ viewer: Viewer) -> (String, [SQLValue]) {
        ("(origin_org = ? OR (recipient_org = ? AND status <> 'draft'))", [.text(viewer.organization), .text(viewer.organization)])
    }

    /// The next lead id of an organization: `L-ORG-000001`, …
    func nextLeadID(_ organization: String) async throws -> String {
        let prefix = "L-\(organization)-"
        let rows = try await connection.query("SELECT lead_id FROM leads WHERE origin_org = ?", [.text(organization)])
        let highest = rows.compactMap { $0["lead_id"].text.flatMap { Int($0.dropFirst(prefix.count)) } }.max() ?? 0
        return prefix + String(format: "%06d", highest + 1)
    }

    /// Stores a new draft lead (its id is assigned here) and returns it.
    public func createLead(_ lead: Lead, by viewer: Viewer) async throws -> Lead {
        var lead = lead
        return try await withAuditedTransaction([]) {
            lead.leadID = try await nextLeadID(viewer.organization)
            try await insertLead(lead)
            // The history is shared with the recipient, who may not see the subject's record: no id.
            try await appendLeadEvent(lead.leadID, viewer: viewer, action: "create", detail: lead.subjectKind, isPrivate: false)
            try await AuditChain.append([AuditEvent(viewer, "lead.create", objects: ["lead/" + lead.leadID, "\(lead.subjectKind)/\(lead.subjectID)"]
                                                    + lead.evidence.map { "\($0.kind)/\($0.id)" })], on: connection)
            return lead
        }
    }

    /// A lead the viewer may see, or nil.
    public func lead(_ leadID: String, viewer: Viewer) async throws -> Lead? {
        let (predicate, binds) = Self.leadPredicate(viewer)
        return try await connection.query("SELECT * FROM leads WHERE lead_id = ? AND \(predicate)", [.text(leadID)] + binds)
            .first.flatMap(Self.lead)
    }

    /// The leads the viewer may see, newest first.
    public func leads(viewer: Viewer) async throws -> [Lead] {
        let (predicate, binds) = Self.leadPredicate(viewer)
        return try await connection.query("SELECT * FROM leads WHERE \(predicate) ORDER BY created_at DESC, lead_id DESC", binds)
            .compactMap(Self.lead)
    }

    /// Every lead with an outcome, whoever may see it: for the node's own calibration only.
    public func leadsWithOutcomes() async throws -> [Lead] {
        try await connection.query("SELECT * FROM leads WHERE outcome IS NOT NULL ORDER BY lead_id", []).compactMap(Self.lead)
    }

    /// Changes a lead the viewer may see and records the step in its history, in one audited
    /// transaction. `change` gets the current lead and returns the new one.
    public func updateLead(_ leadID: String, viewer: Viewer, action: String, detail: String, isPrivate: Bool = false,
                           _ change: (Lead) throws -> Lead) async throws -> Lead {
        try await withAuditedTransaction([AuditEvent(viewer, "lead." + action, objects: ["lead/" + leadID], detail: isPrivate ? "" : detail)]) {
            guard let current = try await lead(leadID, viewer: viewer) else {
                throw StoreError(.conflict, "no lead \(leadID) that you may see")
            }
            var updated = try change(current)
            // A private note changes nothing the other side sees, not even the update time.
            if updated != current {
                updated.updatedAt = Self.now()
                try await connection.execute("""
                    UPDATE leads SET recipient_org = ?, tlp = ?, releasable_to = ?, status = ?, outcome = ?, outcome_at = ?, updated_at = ?
                    WHERE lead_id = ?
                    """, [updated.recipientOrg.map(SQLValue.text) ?? .null, .text(updated.marking.tlp.rawValue),
                          .text(updated.marking.releasableToStored), .text(updated.status.rawValue),
                          updated.outcome.map { .text($0.rawValue) } ?? .null, updated.outcomeAt.map(SQLValue.text) ?? .null,
                          .text(updated.updatedAt), .text(leadID)])
            }
            try await appendLeadEvent(leadID, viewer: viewer, action: action, detail: detail, isPrivate: isPrivate)
            return updated
        }
    }

    func appendLeadEvent(_ leadID: String, viewer: Viewer, action: String, detail: String, isPrivate: Bool) async throws {
        let next = try await connection.query("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM lead_events WHERE lead_id = ?", [.text(leadID)])
            .first?["n"].integer ?? 1
        try await connection.execute("""
            INSERT INTO lead_events (lead_id, seq, at, actor, org_id, action, detail, private) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(leadID), .integer(next), .text(Self.now()), .text(viewer.actor), .text(viewer.organization), .text(action),
                  .text(detail), .integer(isPrivate ? 1 : 0)])
    }

    /// A lead's history as the viewer may see it: shared steps, and its own organization's notes.
    public func leadEvents(_ leadID: String, viewer: Viewer) async throws -> [LeadEvent] {
        guard try await lead(leadID, viewer: viewer) != nil else { return [] }
        return try await connection.query("""
            SELECT * FROM lead_events WHERE lead_id = ? AND (private = 0 OR org_id = ?) ORDER BY seq
            """, [.text(leadID), .text(viewer.organization)]).map { row in
            LeadEvent(leadID: leadID, seq: Int(row["seq"].integer ?? 0), at: row["at"].text ?? "", actor: row["actor"].text ?? "",
                      orgID: row["org_id"].text ?? "", action: row["action"].text ?? "", detail: row["detail"].text ?? "",
                      isPrivate: row["private"].integer == 1)
        }
    }

    private static func lead(_ row: SQLRow) -> Lead? {
        let decoder = JSONDecoder()
        guard let id = row["lead_id"].text,
              let reasons = try? decoder.decode([Lead.Reason].self, from: Data((row["reasons"].text ?? "").utf8)),
              let evidence = try? decoder.decode([Findings.EvidenceRef].self, from: Data((row["evidence"].text ?? "").utf8)),
              let status = Lead.Status(rawValue: row["status"].text ?? "") else { return nil }
        let origin = row["origin_org"].text ?? ""
        return Lead(leadID: id, createdAt: row["created_at"].text ?? "", createdBy: row["created_by"].text ?? "", originOrg: origin,
                    recipientOrg: row["recipient_org"].text, subjectKind: row["subject_kind"].text ?? "", subjectID: row["subject_id"].text ?? "",
                    title: row["title"].text ?? "", summary: row["summary"].text ?? "", score: row["score"].double, reasons: reasons,
                    evidence: evidence,
                    marking: Marking(tlp: TLP(rawValue: row["tlp"].text ?? "") ?? .red,
                                     releasableTo: Marking.parseStoredReleasable(row["releasable_to"].text ?? ""), originator: origin),
                    status: status, outcome: row["outcome"].text.flatMap(Lead.Outcome.init(rawValue:)), outcomeAt: row["outcome_at"].text,
                    updatedAt: row["updated_at"].text ?? "")
    }
}

extension Store {
    /// Inserts a lead's row, inside the caller's transaction.
    func insertLead(_ lead: Lead) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await connection.execute("""
            INSERT INTO leads (lead_id, created_at, created_by, origin_org, recipient_org, subject_kind, subject_id, title, summary,
                               score, reasons, evidence, tlp, releasable_to, status, outcome, outcome_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(lead.leadID), .text(lead.createdAt), .text(lead.createdBy), .text(lead.originOrg),
                  lead.recipientOrg.map(SQLValue.text) ?? .null, .text(lead.subjectKind), .text(lead.subjectID), .text(lead.title),
                  .text(lead.summary), lead.score.map(SQLValue.double) ?? .null,
                  .text(String(decoding: try encoder.encode(lead.reasons), as: UTF8.self)),
                  .text(String(decoding: try encoder.encode(lead.evidence), as: UTF8.self)),
                  .text(lead.marking.tlp.rawValue), .text(lead.marking.releasableToStored), .text(lead.status.rawValue),
                  lead.outcome.map { .text($0.rawValue) } ?? .null, lead.outcomeAt.map(SQLValue.text) ?? .null,
                  .text(lead.updatedAt)])
    }
}
