import Crypto
import Foundation
public import RastroModel
public import RastroStore

/// Exports what a viewer may see as STIX 2.1 objects, in batches, in a deterministic order:
///
/// 1. the five TLP 2.0 marking definitions, Rastro's identity and its extension definition;
/// 2. the identity of every organization the export names (originators, leads' ends);
/// 3. each kind's records in id order (`Store.currentVersions`: the viewer's predicate and
///    redaction apply), each followed by its relationships to records the viewer may also see and
///    by the ports' locations the first time a port appears;
/// 4. the leads the viewer may see (`LeadDesk.view`: the evidence and reasons it may see) as
///    reports, each followed by the notes of its recipient's steps.
///
/// Memory stays bounded by the batch size (plus one id per port). The export is audited as one
/// read by the viewer, naming the number of objects and a SHA-256 of their ids.
public struct STIXExporter: Sendable {
    public let store: Store
    public let viewer: Viewer
    /// The kinds to export (default: every kind).
    public var kinds: [Kind] = Kind.allCases
    /// Whether leads (reports and their notes) are exported. Default: true.
    public var includeLeads = true
    /// The audit entry's detail. Default: `stix export`.
    public var auditDetail = "stix export"

    public init(store: Store, viewer: Viewer) {
        self.store = store
        self.viewer = viewer
    }

    /// Every object the viewer may see (including the marking-definition, extension-definition and identity objects they reference), in a deterministic order, in batches of about `batchSize`.
    public func export(batchSize: Int = 1000, _ body: ([STIXObject]) async throws -> Void) async throws {
        let size = max(1, batchSize)
        var out = Output(size: size)
        for object in STIXVocabulary.preamble { try await out.add(body, object) }

        let views = includeLeads ? try await leadViews() : []
        var organizations = Set<String>()
        for stat in try await store.stats(viewer: viewer) where kinds.contains(stat.kind) && stat.records > 0 {
            organizations.insert(stat.originator)
        }
        for view in views {
            organizations.insert(view.lead.originOrg)
            if let recipient = view.lead.recipientOrg { organizations.insert(recipient) }
        }
        let members = Dictionary(uniqueKeysWithValues: try await store.members().map { ($0.orgID, $0) })
        let redactor = try await store.redactor(for: viewer)
        for organization in organizations.sorted() {
            try await out.add(body, identity(organization, member: members[organization], redactor: redactor))
        }

        var ports = Set<String>()
        for kind in Kind.allCases where kinds.contains(kind) {
            var after = ""
            while true {
                let batch = try await store.currentVersions(kind, viewer: viewer, limit: size, after: after)
                guard let last = batch.last else { break }
                after = last.record.id
                let links = try await STIXLinks.resolve(batch, store: store, viewer: viewer)
                for exported in batch {
                    let objects = STIXRecordMapping.objects(exported)
                    for object in objects { try await out.add(body, object) }
                    for locode in links.ports(of: exported.record) where ports.insert(locode).inserted {
                        try await out.add(body, STIXRecordMapping.port(locode))
                    }
                    for relationship in links.relationships(of: exported, sourceID: objects[0].id) { try await out.add(body, relationship) }
                }
                if batch.count < size { break }
            }
        }

        for view in views {
            let evidence = try await store.markings(of: view.evidence, viewer: viewer)
            let ids = view.evidence.compactMap { reference -> String? in
                guard let kind = Kind(rawValue: reference.kind), let marking = evidence[reference] else { return nil }
                let id = reference.id.split(separator: "#", maxSplits: 1).first.map(String.init) ?? reference.id
                return STIXIdentifier.record(STIXVocabulary.type(of: kind), originator: marking.originator, kind: kind, id: id)
            }
            try await out.add(body, STIXLeadMapping.report(view, evidenceIDs: Array(Set(ids)).sorted()))
            for note in STIXLeadMapping.notes(view) { try await out.add(body, note) }
        }
        try await out.flush(body)
        try await store.auditRead([AuditEvent(viewer, "read", objects: ["count:\(out.count)", "sha256:" + out.digest()], detail: auditDetail)])
    }

    /// The leads the viewer may see, as it may see them, oldest first.
    private func leadViews() async throws -> [LeadDesk.View] {
        let desk = LeadDesk(store: store, viewer: viewer)
        var views: [LeadDesk.View] = []
        for lead in try await store.leads(viewer: viewer).sorted(by: { $0.leadID < $1.leadID }) {
            views.append(try await desk.view(lead.leadID, audit: false))
        }
        return views
    }

    private func identity(_ organization: String, member: Member?, redactor: Redactor) -> STIXObject {
        var properties: [String: STIXValue] = [
            "type": .string("identity"), "spec_version": .string("2.1"), "id": .string(STIXIdentifier.organization(organization)),
            "created": .string(STIXVocabulary.mappingTime), "modified": .string(STIXVocabulary.mappingTime),
            "name": .string(member?.name ?? organization), "identity_class": .string("organization"),
            "x_rastro_org_id": .string(organization), "extensions": STIXVocabulary.extensions(for: "identity"),
        ]
        if let country = member?.country ?? redactor.country(of: organization) { properties["x_rastro_country"] = .string(country) }
        return STIXObject(properties)
    }

    /// Collects objects into batches and hashes their ids for the audit entry.
    private struct Output {
        let size: Int
        var pending: [STIXObject] = []
        var count = 0
        var hasher = SHA256()

        init(size: Int) {
            self.size = size
            pending.reserveCapacity(size)
        }

        mutating func add(_ body: ([STIXObject]) async throws -> Void, _ object: STIXObject) async throws {
            pending.append(object)
            count += 1
            hasher.update(data: Array((object.id + "\n").utf8))
            if pending.count >= size { try await flush(body) }
        }

        mutating func flush(_ body: ([STIXObject]) async throws -> Void) async throws {
            guard !pending.isEmpty else { return }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            try await body(batch)
        }

        func digest() -> String {
            hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }
    }
}
