import Foundation
public import RastroModel
public import RastroStore

extension LeadDesk {
    /// What a lead can be made from in the last analysis.
    public enum Subject: Sendable, Hashable {
        case consignment(String)
        case entity(String)
        /// An area by its rank in the last analysis (1 = best).
        case area(Int)
    }

    /// Creates a draft lead from a subject of the last analysis as the viewer sees it (`shared`),
    /// with that subject's score and reasons, and marks its alert as made a lead.
    public func create(from subject: Subject, in shared: SharedRun, title: String, summary: String, tlp: TLP) async throws -> Lead {
        let detail = shared.detail ?? SharedRun.StoredDetail(consignments: [], entities: [], areas: [])
        let kind: String, id: String, score: Double?, reasons: [Lead.Reason]
        switch subject {
        case .consignment(let consignment):
            guard shared.findings.consignments.contains(where: { $0.consignmentID == consignment }),
                  let assessment = detail.consignments.first(where: { $0.id == consignment }) else {
                throw Refusal("no consignment \(consignment) in the last analysis that you may see")
            }
            (kind, id, score, reasons) = (Kind.consignments.rawValue, consignment, assessment.risk, assessment.reasons)
        case .entity(let entity):
            guard let finding = shared.findings.entities.first(where: { $0.entityID == entity }), finding.risk != nil,
                  let assessment = detail.entities.first(where: { $0.id == entity }) else {
                throw Refusal("no scored entity \(entity) in the last analysis that you may see")
            }
            (kind, id, score, reasons) = ("entities", entity, assessment.risk, assessment.reasons)
        case .area(let rank):
            guard rank >= 1, rank <= detail.areas.count else {
                throw Refusal("no area \(rank) in the last analysis that you may see (1 to \(detail.areas.count))")
            }
            let chosen = detail.areas[rank - 1]
            (kind, id, score) = ("areas", String(format: "%.5f,%.5f", chosen.lat, chosen.lon), chosen.score)
            reasons = [Lead.Reason(rule: "area", contribution: chosen.score,
                                   detail: String(format: "area within %.1f km of (%.5f, %.5f): ", chosen.radiusKm, chosen.lat, chosen.lon)
                                       + chosen.reasons.joined(separator: "; "),
                                   evidence: chosen.evidence)]
        }
        let lead = try await create(subjectKind: kind, subjectID: id, title: title, summary: summary, score: score, reasons: reasons, tlp: tlp)
        if kind != "areas", shared.alerts.contains(where: { $0.kind == kind && $0.id == id }) {
            try await store.setAlertState(kind + "/" + id, .lead, note: lead.leadID, by: viewer)
        }
        return lead
    }
}
