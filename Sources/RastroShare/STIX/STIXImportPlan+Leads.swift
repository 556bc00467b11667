import RastroModel
import RastroStore

extension STIXImportPlan {
    /// A lead's report: read whole now, so that a bad one fails the import before anything is written.
    mutating func lead(_ object: STIXSourceObject) {
        guard let carried = object.object("x_rastro_lead") else { return }
        func text(_ key: String) -> String? { carried[key] as? String }
        guard let leadID = text("lead_id"), !leadID.isEmpty else { return problems.append(object.problem("x_rastro_lead.lead_id", "missing")) }
        guard let origin = text("origin_org"), Marking.isValidParty(origin) else {
            return problems.append(object.problem("x_rastro_lead.origin_org", "missing or not an organization id"))
        }
        let recipient = text("recipient_org")
        if let recipient, !Marking.isValidParty(recipient) {
            return problems.append(object.problem("x_rastro_lead.recipient_org", "not an organization id"))
        }
        guard let status = Lead.Status(rawValue: text("status") ?? "sent"), status != .draft else {
            return problems.append(object.problem("x_rastro_lead.status", "not the state of a sent lead"))
        }
        var outcome: Lead.Outcome?
        if let name = text("outcome") {
            guard let value = Lead.Outcome(rawValue: name) else { return problems.append(object.problem("x_rastro_lead.outcome", "unknown outcome")) }
            outcome = value
        }
        guard let evidence = Self.references(carried["evidence"] ?? []) else {
            return problems.append(object.problem("x_rastro_lead.evidence", "not a list of {kind, id}"))
        }
        var reasons: [Lead.Reason] = []
        for value in (carried["reasons"] as? [Any]) ?? [] {
            guard let reason = value as? [String: Any], let rule = reason["rule"] as? String,
                  let references = Self.references(reason["evidence"] ?? []) else {
                return problems.append(object.problem("x_rastro_lead.reasons", "not a list of {rule, contribution, detail, evidence}"))
            }
            reasons.append(Lead.Reason(rule: rule, contribution: STIXSourceObject.number(reason["contribution"]) ?? 0,
                                       detail: reason["detail"] as? String ?? "", evidence: references))
        }
        let created = Self.storedTime(object.string("created")) ?? ""
        let lead = Lead(leadID: leadID, createdAt: created, createdBy: text("created_by") ?? origin, originOrg: origin, recipientOrg: recipient,
                        subjectKind: text("subject_kind") ?? "", subjectID: text("subject_id") ?? "", title: object.string("name") ?? leadID,
                        summary: object.string("description") ?? "", score: STIXSourceObject.number(carried["score"]), reasons: reasons,
                        evidence: evidence,
                        marking: Marking(tlp: object.tlp ?? .amber, releasableTo: recipient.map { [$0] } ?? [], originator: origin),
                        status: status, outcome: outcome, outcomeAt: text("outcome_at"),
                        updatedAt: Self.storedTime(object.string("modified")) ?? created)
        leads.append((lead, object.source))
    }

    /// A recipient's step of a lead, from its note.
    mutating func step(_ object: STIXSourceObject) {
        guard let carried = object.object("x_rastro_lead_event") else { return }
        guard let leadID = carried["lead_id"] as? String, !leadID.isEmpty else {
            return problems.append(object.problem("x_rastro_lead_event.lead_id", "missing"))
        }
        guard let action = carried["action"] as? String, STIXLeadMapping.sharedActions.contains(action) else {
            return problems.append(object.problem("x_rastro_lead_event.action", "not a step a recipient reports (ack, accept, decline, outcome)"))
        }
        guard let organization = object.string("x_rastro_originator"), Marking.isValidParty(organization) else {
            return problems.append(object.problem("x_rastro_originator", "missing or not an organization id"))
        }
        var outcome: Lead.Outcome?
        if action == "outcome" {
            guard let value = (carried["outcome"] as? String).flatMap(Lead.Outcome.init(rawValue:)) else {
                return problems.append(object.problem("x_rastro_lead_event.outcome", "missing or unknown"))
            }
            outcome = value
        }
        steps.append(LeadStep(leadID: leadID, organization: organization, actor: carried["actor"] as? String ?? organization, action: action,
                              detail: carried["detail"] as? String ?? "", outcome: outcome,
                              at: object.string("created") ?? ""))
    }

    static func references(_ value: Any) -> [Findings.EvidenceRef]? {
        guard let list = value as? [Any] else { return nil }
        var out: [Findings.EvidenceRef] = []
        for item in list {
            guard let reference = item as? [String: Any], let kind = reference["kind"] as? String, let id = reference["id"] as? String else { return nil }
            out.append(.init(kind: kind, id: id))
        }
        return out
    }

    /// A STIX timestamp in the store's form, `YYYY-MM-DDTHH:MM:SSZ`.
    static func storedTime(_ text: String?) -> String? {
        guard let text, case .success(let parsed) = Timestamp.parseTimestamp(text) else { return nil }
        return Timestamp.format(epoch: Int64(parsed.epochSeconds.rounded(.down)))
    }
}
