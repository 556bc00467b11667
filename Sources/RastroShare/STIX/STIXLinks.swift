import RastroModel
import RastroStore

/// The links of a batch of records to other records and to ports, looked up once per batch with
/// the viewer's rights: a relationship is written only when the viewer may see both ends.
///
/// | kind | field | relationship | target |
/// | --- | --- | --- | --- |
/// | consignments | port_locode, origin_port_locode | `delivered-to`, `shipped-from` | the port's `location` |
/// | consignments | importer_tax_id | `imported-by` | organizations with that tax id |
/// | transfers | consignment_id | `continues` | the consignment |
/// | transfers | from_tax_id, to_tax_id | `transferred-from`, `transferred-to` | organizations with that tax id |
/// | legs | transfer_id, consignment_id | `carries` | the transfer, the consignment |
/// | usage_reports | org_tax_id | `reported-by` | organizations with that tax id |
/// | incidents | entity_tax_ids | `names` | organizations with those tax ids |
struct STIXLinks {
    private static let byID: [Kind: [(field: String, type: String, target: Kind)]] = [
        .transfers: [("consignment_id", "continues", .consignments)],
        .legs: [("transfer_id", "carries", .transfers), ("consignment_id", "carries", .consignments)],
    ]
    private static let byTaxID: [Kind: [(field: String, type: String)]] = [
        .consignments: [("importer_tax_id", "imported-by")],
        .transfers: [("from_tax_id", "transferred-from"), ("to_tax_id", "transferred-to")],
        .usageReports: [("org_tax_id", "reported-by")],
        .incidents: [("entity_tax_ids", "names")],
    ]
    private static let portFields: [(field: String, type: String)] = [("port_locode", "delivered-to"), ("origin_port_locode", "shipped-from")]

    /// Visible records by `kind/id`, with their markings.
    private var records: [Findings.EvidenceRef: Marking] = [:]
    /// Visible organizations by tax id: (record id, marking).
    private var organizations: [String: [(id: String, marking: Marking)]] = [:]

    static func resolve(_ batch: [ExportedVersion], store: Store, viewer: Viewer) async throws -> STIXLinks {
        var links = STIXLinks()
        guard let kind = batch.first?.record.kind else { return links }
        var references: [Findings.EvidenceRef] = []
        for link in byID[kind] ?? [] {
            for exported in batch { if let id = exported.record[link.field].text { references.append(.init(kind: link.target.rawValue, id: id)) } }
        }
        if !references.isEmpty { links.records = try await store.markings(of: references, viewer: viewer) }
        var taxIDs = Set<String>()
        for link in byTaxID[kind] ?? [] {
            for exported in batch { taxIDs.formUnion(taxIDList(exported.record[link.field].text)) }
        }
        if !taxIDs.isEmpty {
            for organization in try await store.currentRecords(.organizations, where: "tax_id", in: Array(taxIDs), viewer: viewer) {
                guard let taxID = organization["tax_id"].text else { continue }
                links.organizations[taxID, default: []].append((organization.id, organization.marking))
            }
        }
        return links
    }

    private static func taxIDList(_ text: String?) -> [String] {
        (text ?? "").split(separator: ";").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    func ports(of record: Record) -> [String] {
        Self.portFields.compactMap { record[$0.field].text }
    }

    func relationships(of exported: ExportedVersion, sourceID: String) -> [STIXObject] {
        let record = exported.record
        let created = STIXTime.format(exported.firstLoadedAt) ?? STIXVocabulary.mappingTime
        var modified = STIXTime.format(exported.loadedAt, extraMilliseconds: exported.version - 1) ?? created
        if modified < created { modified = created }
        var out: [STIXObject] = []
        var seen = Set<String>()
        func add(_ type: String, _ targetID: String, _ marking: Marking) {
            guard seen.insert(type + " " + targetID).inserted else { return }
            out.append(STIXRecordMapping.relationship(from: record, sourceID: sourceID, type: type, to: targetID, targetMarking: marking,
                                                      created: created, modified: modified))
        }
        for link in Self.portFields {
            if let locode = record[link.field].text {
                add(link.type, STIXRecordMapping.port(locode).id, Marking(tlp: .clear, originator: "rastro"))
            }
        }
        for link in Self.byID[record.kind] ?? [] {
            guard let id = record[link.field].text, let marking = records[.init(kind: link.target.rawValue, id: id)] else { continue }
            add(link.type, STIXIdentifier.record(STIXVocabulary.type(of: link.target), originator: marking.originator, kind: link.target, id: id),
                marking)
        }
        for link in Self.byTaxID[record.kind] ?? [] {
            for taxID in Self.taxIDList(record[link.field].text) {
                for organization in organizations[taxID] ?? [] {
                    add(link.type, STIXIdentifier.record("identity", originator: organization.marking.originator, kind: .organizations,
                                                         id: organization.id), organization.marking)
                }
            }
        }
        return out
    }
}
