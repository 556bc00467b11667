import Foundation
public import RastroAnalysis
public import RastroModel
public import RastroStore

/// The last analysis's results as one viewer may see them: findings, alerts and, when asked, the
/// detail (every assessment with its reasons, and the areas). Shared by the CLI and the workbench.
public struct SharedRun: Sendable {
    public var run: AnalysisRun
    public var findings: Findings
    public var alerts: [Assessment]
    /// The run's detail (every assessment with its reasons, and the areas), filtered like the
    /// rest; decoded only when asked for or when the viewer is not the node (it is large).
    public var detail: StoredDetail?

    /// The stored run's detail: every assessment with its reasons and evidence.
    public struct StoredDetail: Decodable, Sendable {
        public var consignments: [Assessment]
        public var entities: [Assessment]
        public var areas: [Area]

        public init(consignments: [Assessment], entities: [Assessment], areas: [Area]) {
            self.consignments = consignments
            self.entities = entities
            self.areas = areas
        }
    }

    /// The last analysis as `viewer` may see it (nil when none has run): another organization
    /// gets only the results whose every input it may see. The read is audited as `action`.
    public static func latest(_ store: Store, viewer: Viewer, settings: NodeSettings, action: String,
                              withDetail: Bool = false, audit: Bool = true) async throws -> SharedRun? {
        guard let run = try await store.latestAnalysis() else { return nil }
        let decoder = JSONDecoder()
        var findings = try decoder.decode(Findings.self, from: Data(run.findings.utf8))
        var alerts = try decoder.decode([Assessment].self, from: Data(run.alerts.utf8))
        var derived = DerivedResults(store: store, viewer: viewer, settings: settings)
        var detail = withDetail || !derived.isNode ? try decoder.decode(StoredDetail.self, from: Data(run.detail.utf8)) : nil
        if !derived.isNode, let whole = detail {
            func inputs(_ list: [Assessment]) -> [String: [Findings.EvidenceRef]] {
                Dictionary(list.map { ($0.id, $0.reasons.flatMap(\.evidence)) }, uniquingKeysWith: { first, _ in first })
            }
            let consignmentInputs = inputs(whole.consignments)
            let entityInputs = inputs(whole.entities)
            findings = try await derived.findings(findings, consignmentInputs: consignmentInputs, entityInputs: entityInputs)
            let shownConsignments = Set(findings.consignments.map(\.consignmentID))
            let shownEntities = Set(findings.entities.filter { $0.risk != nil }.map(\.entityID))
            alerts = alerts.filter { $0.kind == "consignments" ? shownConsignments.contains($0.id) : shownEntities.contains($0.id) }
            let shownAreas = whole.areas.filter { derived.allVisible($0.evidence) }
            detail = StoredDetail(consignments: whole.consignments.filter { shownConsignments.contains($0.id) },
                                  entities: whole.entities.filter { shownEntities.contains($0.id) }, areas: shownAreas)
        }
        let objects = findings.consignments.map { "consignments/" + $0.consignmentID } + findings.entities.map { "entities/" + $0.entityID }
        if audit {
            try await store.auditRead([AuditEvent.read(viewer, objects: action == "alerts" ? alerts.map { $0.kind + "/" + $0.id } : objects,
                                          detail: "\(action) of run \(run.runID)")])
        }
        return SharedRun(run: run, findings: findings, alerts: alerts, detail: detail)
    }
}
