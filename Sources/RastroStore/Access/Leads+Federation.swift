import Foundation
import RastroModel

extension Store {
    /// Stores a lead that a partner node sent to this node, as the partner sent it (its id, origin,
    /// recipient, marking and state), with a `receive` step in its history naming where it came
    /// from; audited as `lead.receive`. Returns false, and changes nothing, when the node already
    /// holds a lead with that id.
    public func receiveLead(_ lead: Lead, source: String, by viewer: Viewer) async throws -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let known = try await connection.query("SELECT lead_id FROM leads WHERE lead_id = ?", [.text(lead.leadID)])
        guard known.isEmpty else { return false }
        return try await withAuditedTransaction([AuditEvent(viewer, "lead.receive", objects: ["lead/" + lead.leadID], detail: source)]) {
            let existing = try await connection.query("SELECT lead_id FROM leads WHERE lead_id = ?", [.text(lead.leadID)])
            guard existing.isEmpty else { return false }
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
            try await appendLeadEvent(lead.leadID, viewer: viewer, action: "receive", detail: "from \(lead.originOrg)", isPrivate: false)
            return true
        }
    }

    /// True when `organization` already took `action` on the lead (a shared step of its history).
    public func leadHasEvent(_ leadID: String, organization: String, action: String) async throws -> Bool {
        !(try await connection.query("""
            SELECT 1 FROM lead_events WHERE lead_id = ? AND org_id = ? AND action = ? AND private = 0
            """, [.text(leadID), .text(organization), .text(action)])).isEmpty
    }
}
