import Foundation
import Hummingbird
import RastroModel
import RastroShare
import RastroStore

extension Workbench {
    /// The viewer's leads: the inbox (sent to its organization) and the outbox (its own).
    func leadsPage(_ call: Call) async throws -> Response {
        let viewer = call.viewer
        let formats = Formats(call.language)
        let leads = try await LeadDesk(store: read, viewer: viewer).list().sorted { $0.updatedAt > $1.updatedAt }
        let inbox = leads.filter { $0.recipientOrg == viewer.organization }
        let outbox = leads.filter { $0.originOrg == viewer.organization }
        try await audited(call, leads.map { "lead/" + $0.leadID }, "leads")
        return try render(call, "leads", title: "leads.title", nav: "leads", [
            "inbox": inbox.map { leadRow($0, viewer, formats) }, "hasInbox": !inbox.isEmpty,
            "outbox": outbox.map { leadRow($0, viewer, formats) }, "hasOutbox": !outbox.isEmpty,
        ])
    }

    /// One lead with what the viewer may see of it, its history, and the actions its state allows.
    func leadPage(_ call: Call) async throws -> Response {
        let viewer = call.viewer
        let formats = Formats(call.language)
        let desk = LeadDesk(store: read, viewer: viewer)
        let view: LeadDesk.View
        // Read on a read connection; audited through the server's audit writer, not by the desk.
        do { view = try await desk.view(call.parameter("id"), audit: false) } catch is LeadDesk.Refusal { throw WebError.notFound() }
        try await audited(call, ["lead/" + view.lead.leadID] + view.evidence.map { "\($0.kind)/\($0.id)" }, "lead")
        let lead = view.lead
        let isOrigin = lead.originOrg == viewer.organization
        let isRecipient = lead.recipientOrg == viewer.organization
        let canAct = !viewer.roles.isDisjoint(with: [.analyst, .admin, .liaison])
        var values: [String: Any] = [
            "id": lead.leadID, "leadHref": "/leads/" + Self.percentEncoded(lead.leadID), "title": lead.title, "summary": lead.summary,
            "marking": marking(lead.marking), "status": catalog.text("lead.status." + lead.status.rawValue, call.language),
            "statusValue": lead.status.rawValue, "from": lead.originOrg, "to": lead.recipientOrg ?? "", "createdBy": lead.createdBy,
            "created": formats.date(lead.createdAt), "updated": formats.date(lead.updatedAt),
            "subjectKind": catalog.text("lead.subject." + lead.subjectKind, call.language), "subjectID": lead.subjectID,
            "subjectHref": lead.subjectID.isEmpty ? "" : lead.subjectKind == "areas" ? "/map?at=" + Self.percentEncoded(lead.subjectID)
                : Self.link(Findings.EvidenceRef(kind: lead.subjectKind, id: lead.subjectID)),
            "score": lead.score.map(formats.score) ?? "",
            "outcome": lead.outcome.map { catalog.text("lead.outcome." + $0.rawValue, call.language) } ?? "",
            "outcomeAt": lead.outcomeAt.map(formats.date) ?? "",
            "reasons": reasons(view.reasons, formats),
            "evidence": view.evidence.map { ["kind": $0.kind, "id": $0.id, "href": Self.link($0)] },
            "hasEvidence": !view.evidence.isEmpty,
            "history": view.history.map { event -> [String: Any] in
                ["when": formats.date(event.at), "who": event.actor, "org": event.orgID,
                 "action": catalog.text("lead.action." + event.action, call.language), "detail": event.detail,
                 "private": event.isPrivate]
            },
            "canSend": isOrigin && canAct && lead.status == .draft,
            "canAck": isRecipient && canAct && lead.status == .sent,
            "canDecide": isRecipient && canAct && [.sent, .acknowledged].contains(lead.status),
            "canOutcome": isRecipient && canAct && lead.status == .accepted,
            "canNote": canAct,
            "outcomes": Lead.Outcome.allCases.map { ["value": $0.rawValue, "label": catalog.text("lead.outcome." + $0.rawValue, call.language)] },
            "tlps": [["value": "amber", "label": "TLP:AMBER"], ["value": "amber+strict", "label": "TLP:AMBER+STRICT"]],
        ]
        if isOrigin, let withheld = view.withheldEvidence {
            values["withheld"] = withheld.map { ["kind": $0.kind, "id": $0.id, "href": Self.link($0)] }
            values["hasWithheld"] = !withheld.isEmpty
            values["withheldReasons"] = formats.count(view.withheldReasons ?? 0)
        }
        if isOrigin, lead.status == .draft {
            let members = try await read.members().filter { $0.orgID != viewer.organization }
            values["recipients"] = members.map { ["id": $0.orgID, "name": $0.name, "country": $0.country] }
            values["hasRecipients"] = !members.isEmpty
        }
        return try render(call, "lead", title: "lead.title", nav: "leads", values)
    }

    /// Creates a draft from a consignment, a party or an area of the last analysis.
    func createLead(_ call: Call) async throws -> Response {
        let viewer = call.viewer
        guard !viewer.roles.isDisjoint(with: [.analyst, .admin]) else { throw WebError(.forbidden, "error.forbidden") }
        let kind = call.form.first("subject_kind") ?? "", id = call.form.first("subject_id") ?? ""
        let subject: LeadDesk.Subject
        switch kind {
        case "consignments": subject = .consignment(id)
        case "entities": subject = .entity(id)
        case "areas": guard let rank = Int(id) else { throw WebError(.badRequest, "error.badRequest") }; subject = .area(rank)
        default: throw WebError(.badRequest, "error.badRequest")
        }
        guard let tlp = TLP(parsing: call.form.first("tlp") ?? "amber"), tlp == .amber || tlp == .amberStrict else {
            throw WebError(.badRequest, "error.badRequest")
        }
        guard let shared = try await runs.shared(read, viewer: viewer, settings: settings) else { throw WebError.notFound() }
        let title = call.form.first("title") ?? "", summary = call.form.first("summary") ?? ""
        let lead = try await leadAction { [writes] in
            try await LeadDesk(store: writes, viewer: viewer).create(from: subject, in: shared, title: title, summary: summary, tlp: tlp)
        }
        return Self.redirect("/leads/" + Self.percentEncoded(lead.leadID))
    }

    /// send, ack, accept, decline, outcome and note on one lead.
    func leadAction(_ call: Call) async throws -> Response {
        let id = call.parameter("id")
        let desk = LeadDesk(store: writes, viewer: call.viewer)
        let form = call.form
        switch call.parameter("action") {
        case "send":
            _ = try await leadAction { try await desk.send(id, to: form.first("recipient") ?? "", tlp: TLP(parsing: form.first("tlp") ?? "")) }
        case "ack": _ = try await leadAction { try await desk.acknowledge(id, note: form.first("note") ?? "") }
        case "accept": _ = try await leadAction { try await desk.decide(id, accept: true, reason: form.first("reason") ?? "") }
        case "decline": _ = try await leadAction { try await desk.decide(id, accept: false, reason: form.first("reason") ?? "") }
        case "outcome":
            guard let outcome = Lead.Outcome(rawValue: form.first("outcome") ?? "") else { throw WebError(.badRequest, "error.badRequest") }
            _ = try await leadAction { try await desk.recordOutcome(id, outcome, note: form.first("note") ?? "") }
        case "note": try await leadAction { try await desk.note(id, form.first("note") ?? "") }
        default: throw WebError.notFound()
        }
        return Self.redirect("/leads/" + Self.percentEncoded(id))
    }

    /// Runs a lead operation, alone on the write connection; a refusal by the lead's rules is a
    /// 409 with the rule's words.
    func leadAction<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await gate.run(body)
        } catch let refusal as LeadDesk.Refusal {
            throw WebError(.conflict, "lead.refused", detail: refusal.description)
        }
    }
}
