public import RastroModel
public import RastroStore

/// Reads every party mention a viewer may see from the store, kind by kind, in id order.
public enum MentionReader {
    public static let kinds: [Kind] = [.organizations, .consignments, .transfers, .usageReports, .incidents]

    public static func mentions(in store: Store, viewer: Viewer, pageSize: Int = 10_000) async throws -> [PartyMention] {
        var out: [PartyMention] = []
        for kind in kinds {
            var after = ""
            while true {
                let page = try await store.currentRecords(kind, viewer: viewer, limit: pageSize, after: after)
                for record in page { out += PartyMention.mentions(in: record) }
                guard page.count == pageSize, let last = page.last else { break }
                after = last.id
            }
        }
        return out
    }
}
