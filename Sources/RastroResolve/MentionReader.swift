public import RastroModel
public import RastroStore

/// Reads every party mention a viewer may see from the store, kind by kind, in id order.
public enum MentionReader {
    public static let kinds: [Kind] = [.organizations, .consignments, .transfers, .usageReports, .incidents]

    /// The fields `PartyMention.mentions(in:)` reads, per kind.
    static let fields: [Kind: [String]] = [
        .organizations: ["name", "tax_id", "address", "city", "state", "postal_code", "country", "phone", "email", "representative"],
        .consignments: ["importer_name", "importer_tax_id", "importer_address", "exporter_name", "exporter_country"],
        .transfers: ["from_name", "from_tax_id", "to_name", "to_tax_id", "to_address"],
        .usageReports: ["org_name", "org_tax_id"],
        .incidents: ["entity_names", "entity_tax_ids", "country"],
    ]

    public static func mentions(in store: Store, viewer: Viewer, pageSize: Int = 10_000) async throws -> [PartyMention] {
        try await read(in: store, viewer: viewer, pageSize: pageSize).mentions
    }

    /// The mentions, each with the marking of the record it comes from.
    public static func read(in store: Store, viewer: Viewer, pageSize: Int = 10_000) async throws
        -> (mentions: [PartyMention], markings: [Marking]) {
        var mentions: [PartyMention] = []
        var markings: [Marking] = []
        for kind in kinds {
            var after = ""
            while true {
                let page = try await store.currentRecords(kind, fields: fields[kind] ?? [], viewer: viewer, limit: pageSize, after: after)
                for record in page {
                    let found = PartyMention.mentions(in: record)
                    mentions += found
                    markings += repeatElement(record.marking, count: found.count)
                }
                guard page.count == pageSize, let last = page.last else { break }
                after = last.id
            }
        }
        return (mentions, markings)
    }
}
