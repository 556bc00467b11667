public import RastroStore

/// Fills a TAXII collection with what its rule releases to its partner organization, as STIX:
/// the export is made with the partner's viewer (the node's policy and redaction apply, and the
/// export is audited as the partner's read), new object versions are added, and objects the rule
/// no longer releases are withdrawn.
public struct CollectionPublisher: Sendable {
    let store: Store
    let settings: NodeSettings
    let viewer: Viewer

    public init(store: Store, settings: NodeSettings, by viewer: Viewer) {
        self.store = store
        self.settings = settings
        self.viewer = viewer
    }

    public func publish(_ collection: TAXIICollection) async throws -> TAXIIAddCounts {
        guard let member = try await store.member(collection.partnerOrg) else {
            throw ShareError(.federation, "collection \(collection.collectionID): \(collection.partnerOrg) is no longer a member organization")
        }
        let partner = Viewer(organization: member.orgID, country: member.country, roles: [.liaison])
        var exporter = STIXExporter(store: store, viewer: partner)
        exporter.auditDetail = "stix export for TAXII collection \(collection.collectionID)"
        if collection.rule == .leads {
            exporter.kinds = []
            exporter.includeLeads = true
        }
        var counts = TAXIIAddCounts()
        var keep = Set<String>()
        try await exporter.export(batchSize: 2000) { batch in
            keep.formUnion(batch.map(\.id))
            let added = try await store.addTAXIIObjects(batch.map {
                TAXIIObject(id: $0.id, version: $0.version, type: $0.type, specVersion: $0.specVersion, body: $0.json)
            }, to: collection.collectionID)
            counts.added += added.added
            counts.unchanged += added.unchanged
        }
        let event = AuditEvent(viewer, "collection.publish", objects: ["collection/\(collection.collectionID)"],
                               detail: "partner=\(member.orgID) rule=\(collection.rule.rawValue) added=\(counts.added) unchanged=\(counts.unchanged)")
        counts.withdrawn = try await store.addTAXIIObjects([], to: collection.collectionID, events: [event], withdrawingAllBut: keep).withdrawn
        try await store.markTAXIICollectionPublished(collection.collectionID)
        return counts
    }
}

/// Loads pulled or added STIX objects into the store, one atomic load per call, and gives the
/// puller's counts: records loaded (and lead steps applied), unchanged, skipped. Objects that
/// name no creator are the partner's (`partner`), never this node's.
public func stixLoader(store: Store, settings: NodeSettings, actor: String, partner: String) -> SyncPuller.Loader {
    { objects, source in
        var importer = STIXImporter(store: store, settings: settings, actor: actor)
        importer.defaultOriginator = partner
        let report = try await importer.importObjects(objects, source: source)
        return (report.loaded + report.leadsReceived + report.leadStepsApplied, report.unchanged,
                report.skipped.values.reduce(0, +))
    }
}
