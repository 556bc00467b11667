public import RastroModel
public import RastroStore

/// Reads every party mention a viewer may see from the store, kind by kind, in id order.
public enum MentionReader {
    public static let kinds: [Kind] = [.organizations, .consignments, .transfers, .usageReports, .incidents]

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
                let page = try await store.currentRecords(kind, viewer: viewer, limit: pageSize, after: after)
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
