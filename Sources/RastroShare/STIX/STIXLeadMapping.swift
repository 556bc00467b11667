import RastroModel
import RastroStore

/// Leads in STIX: a lead is a `report` by its sender, whose `object_refs` are the evidence the
/// reader may see; the recipient's steps (acknowledge, accept, decline, outcome) are `note`s about
/// that report by the recipient, so that they flow back to the sender's node.
enum STIXLeadMapping {
    /// The lead steps that travel back to the sender, and that an import applies.
    static let sharedActions = ["ack", "accept", "decline", "outcome"]

    static func reportID(_ lead: Lead) -> String {
        STIXIdentifier.id("report", "\(lead.originOrg)/leads/\(lead.leadID)")
    }

    static func noteID(leadID: String, organization: String, action: String) -> String {
        STIXIdentifier.id("note", "\(organization)/lead-events/\(leadID)/\(action)")
    }

    /// `evidenceIDs`: the STIX ids of the evidence the reader may see.
    static func report(_ view: LeadDesk.View, evidenceIDs: [String]) -> STIXObject {
        let lead = view.lead
        let created = STIXTime.format(lead.createdAt) ?? STIXVocabulary.mappingTime
        var modified = STIXTime.format(lead.updatedAt) ?? created
        if modified < created { modified = created }
        var properties = STIXRecordMapping.common(type: "report", id: reportID(lead), marking: lead.marking, created: created, modified: modified)
        properties["name"] = .string(lead.title)
        if !lead.summary.isEmpty { properties["description"] = .string(lead.summary) }
        let sent = view.history.first { $0.action == "send" }.flatMap { STIXTime.format($0.at) }
        properties["published"] = .string(sent ?? created)
        properties["report_types"] = .array([.string("threat-report")])
        let references = evidenceIDs.isEmpty ? [STIXIdentifier.organization(lead.originOrg)] : evidenceIDs
        properties["object_refs"] = .array(references.map(STIXValue.string))
        var carried: [String: STIXValue] = [
            "lead_id": .string(lead.leadID), "origin_org": .string(lead.originOrg), "created_by": .string(lead.createdBy),
            "subject_kind": .string(lead.subjectKind), "status": .string(lead.status.rawValue),
            "evidence": .array(view.evidence.map(reference)),
            "reasons": .array(view.reasons.map { reason in
                .object(["rule": .string(reason.rule), "contribution": .number(reason.contribution), "detail": .string(reason.detail),
                         "evidence": .array(reason.evidence.map(reference))])
            }),
        ]
        if let recipient = lead.recipientOrg { carried["recipient_org"] = .string(recipient) }
        if !lead.subjectID.isEmpty { carried["subject_id"] = .string(lead.subjectID) }
        if let score = lead.score { carried["score"] = .number(score) }
        if let outcome = lead.outcome { carried["outcome"] = .string(outcome.rawValue) }
        if let at = lead.outcomeAt { carried["outcome_at"] = .string(at) }
        properties["x_rastro_lead"] = .object(carried)
        return STIXObject(properties)
    }

    /// The notes of the lead's shared steps by the recipient.
    static func notes(_ view: LeadDesk.View) -> [STIXObject] {
        let lead = view.lead
        guard let recipient = lead.recipientOrg else { return [] }
        return view.history.filter { !$0.isPrivate && $0.orgID == recipient && sharedActions.contains($0.action) }.map { event in
            let at = STIXTime.format(event.at) ?? STIXVocabulary.mappingTime
            let marking = Marking(tlp: lead.marking.tlp, releasableTo: [lead.originOrg], originator: recipient)
            var properties = STIXRecordMapping.common(type: "note", id: noteID(leadID: lead.leadID, organization: recipient, action: event.action),
                                                      marking: marking, created: at, modified: at)
            properties["abstract"] = .string("lead \(lead.leadID): \(event.action)")
            properties["content"] = .string(event.detail.isEmpty ? event.action : event.detail)
            properties["object_refs"] = .array([.string(reportID(lead))])
            var carried: [String: STIXValue] = ["lead_id": .string(lead.leadID), "action": .string(event.action),
                                                "detail": .string(event.detail), "actor": .string(event.actor), "at": .string(event.at)]
            if event.action == "outcome", let outcome = lead.outcome { carried["outcome"] = .string(outcome.rawValue) }
            properties["x_rastro_lead_event"] = .object(carried)
            return STIXObject(properties)
        }
    }

    static func reference(_ evidence: Findings.EvidenceRef) -> STIXValue {
        .object(["kind": .string(evidence.kind), "id": .string(evidence.id)])
    }
}
