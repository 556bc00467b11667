import Foundation
import RastroModel
import RastroStore

/// Applies an import's leads and lead steps, after its records are loaded (each in its own audited
/// transaction, and idempotent: what the node holds already is counted as unchanged).
///
/// - A partner's lead becomes a received lead: the same id, origin and marking, addressed to this
///   node's organization (or to the member it was sent to), in the state it was sent.
/// - A recipient's step (acknowledge, accept, decline, outcome) about a lead this node sent is
///   applied to that lead through the lead state machine, recorded as done by the recipient.
struct STIXLeadImport {
    let store: Store
    let settings: NodeSettings

    func apply(_ plan: STIXImportPlan, report: inout STIXImportReport) async throws {
        let node = settings.viewer
        for (lead, source) in plan.leads.sorted(by: { $0.lead.leadID < $1.lead.leadID }) {
            if lead.originOrg == settings.organization {
                report.unchanged += 1
                continue
            }
            var received = lead
            if let recipient = lead.recipientOrg, recipient != settings.organization, try await store.member(recipient) == nil {
                received.recipientOrg = settings.organization
            } else if lead.recipientOrg == nil {
                received.recipientOrg = settings.organization
            }
            received.marking = Marking(tlp: lead.marking.tlp, releasableTo: [received.recipientOrg!], originator: lead.originOrg)
            if try await store.receiveLead(received, source: source, by: node) {
                report.leadsReceived += 1
            } else {
                report.unchanged += 1
            }
        }
        let order = ["ack": 0, "accept": 1, "decline": 1, "outcome": 2]
        for step in plan.steps.sorted(by: { ($0.at, order[$0.action] ?? 0) < ($1.at, order[$1.action] ?? 0) }) {
            if step.organization == settings.organization {
                report.unchanged += 1
                continue
            }
            guard let lead = try await store.lead(step.leadID, viewer: node), lead.originOrg == settings.organization else {
                report.skip("lead step about a lead this node did not send")
                continue
            }
            if try await store.leadHasEvent(step.leadID, organization: step.organization, action: step.action) {
                report.unchanged += 1
                continue
            }
            let event: LeadTransitions.Event
            switch step.action {
            case "ack": event = .acknowledge
            case "accept": event = .accept
            case "decline": event = .decline(reason: step.detail)
            default: event = .outcome(step.outcome ?? .nothingFound)
            }
            let country = try await store.member(step.organization)?.country ?? ""
            let partner = Viewer(organization: step.organization, country: country, user: step.actor)
            do {
                _ = try await store.updateLead(step.leadID, viewer: partner, action: step.action, detail: step.detail) { current in
                    try LeadTransitions.apply(event, to: current, by: step.organization, at: Timestamp.format(epoch: Int64(Date().timeIntervalSince1970)))
                }
                report.leadStepsApplied += 1
            } catch is LeadTransitions.Refusal {
                report.skip("lead step that the lead's state or recipient does not allow")
            } catch let error as StoreError where error.code == .conflict {
                report.skip("lead step that the lead's state or recipient does not allow")
            }
        }
    }
}
