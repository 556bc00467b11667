public import RastroModel
public import RastroStore

/// The lead state machine, pure: an event by an organization goes in, the changed lead (or a
/// refusal) comes out. `LeadDesk` does the reading, writing and visibility checks around it.
///
/// | event | by | from | to |
/// | --- | --- | --- | --- |
/// | send | the originator | draft | sent (marking: AMBER or AMBER+STRICT, releasable to the recipient) |
/// | acknowledge | the recipient | sent | acknowledged |
/// | accept, decline (with a reason) | the recipient | sent, acknowledged | accepted, declined |
/// | outcome | the recipient | accepted | closed, with the outcome |
public enum LeadTransitions {
    public enum Event: Sendable, Hashable {
        case send(to: String, tlp: TLP)
        case acknowledge
        case accept
        case decline(reason: String)
        case outcome(Lead.Outcome)

        var name: String {
            switch self {
            case .send: "send"
            case .acknowledge: "acknowledge"
            case .accept: "accept"
            case .decline: "decline"
            case .outcome: "report the outcome of"
            }
        }
    }

    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public static func apply(_ event: Event, to lead: Lead, by organization: String, at now: String) throws(Refusal) -> Lead {
        var lead = lead
        switch event {
        case .send(let recipient, let tlp):
            guard lead.originOrg == organization else { throw Refusal("only \(lead.originOrg) may send \(lead.leadID)") }
            guard recipient != organization else { throw Refusal("a lead goes to another organization") }
            guard lead.status == .draft else { throw Refusal("\(lead.leadID) was already sent (to \(lead.recipientOrg ?? "?"))") }
            guard tlp == .amber || tlp == .amberStrict else {
                throw Refusal(tlp == .red ? "a TLP:RED lead cannot leave \(organization); choose amber or amber+strict"
                                          : "a lead is sent as TLP:AMBER or AMBER+STRICT, not \(tlp.label)")
            }
            lead.recipientOrg = recipient
            lead.status = .sent
            lead.marking = Marking(tlp: tlp, releasableTo: [recipient], originator: lead.originOrg)
        case .acknowledge:
            try requireRecipient(lead, organization, event, from: [.sent])
            lead.status = .acknowledged
        case .accept:
            try requireRecipient(lead, organization, event, from: [.sent, .acknowledged])
            lead.status = .accepted
        case .decline(let reason):
            try requireRecipient(lead, organization, event, from: [.sent, .acknowledged])
            guard !reason.trimmingWhitespace().isEmpty else { throw Refusal("say why the lead is declined") }
            lead.status = .declined
        case .outcome(let outcome):
            try requireRecipient(lead, organization, event, from: [.accepted])
            lead.status = .closed
            lead.outcome = outcome
            lead.outcomeAt = now
        }
        return lead
    }

    private static func requireRecipient(_ lead: Lead, _ organization: String, _ event: Event, from states: Set<Lead.Status>) throws(Refusal) {
        guard lead.recipientOrg == organization, lead.status != .draft else {
            throw Refusal("only the recipient (\(lead.recipientOrg ?? "none yet")) may \(event.name) \(lead.leadID)")
        }
        guard states.contains(lead.status) else {
            throw Refusal("\(lead.leadID) is \(lead.status.rawValue); to \(event.name) it, it must be "
                          + states.map(\.rawValue).sorted().joined(separator: " or "))
        }
    }
}
