import Foundation
import RastroModel

extension Store {
    /// Stores a lead that a partner node sent to this node, as the partner sent it (its id, origin,
    /// recipient, marking and state), with a `receive` step in its history naming where it came
    /// from; audited as `lead.receive`. Returns false, and changes nothing, when the node already
    /// holds a lead with that id.
    public func receiveLead(_ lead: Lead, source: String, by viewer: Viewer) async throws -> Bool {
        let known = try await connection.query("SELECT lead_id FROM leads WHERE lead_id = ?", [.text(lead.leadID)])
        guard known.isEmpty else { return false }
        return try await withAuditedTransaction([AuditEvent(viewer, "lead.receive", objects: ["lead/" + lead.leadID], detail: source)]) {
            let existing = try await connection.query("SELECT lead_id FROM leads WHERE lead_id = ?", [.text(lead.leadID)])
            guard existing.isEmpty else { return false }
            try await insertLead(lead)
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
