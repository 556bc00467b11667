public import RastroStore

/// Group commit for the audit log: every request that must be audited waits until its event is
/// logged, but events that arrive while one batch is being logged go together in the next. On
/// SQLite a batch is one write to the batcher store's read journal (`Store.auditRead`), folded
/// into the chain in batches; on PostgreSQL one transaction. Nothing is answered before its audit
/// entry is logged. The journal's folds into the chain (every ~400 entries) run in a task of
/// their own, so that no request waits for one: the journal is written without the connection,
/// which the fold alone uses.
actor AuditBatcher {
    /// A connection of the batcher's own: nothing else writes through it, and `drain` runs one
    /// batch at a time, so no write gate is needed.
    private let store: Store
    private var queue: [(AuditEvent, CheckedContinuation<Void, any Error>)] = []
    private var writing = false
    private var folding = false

    init(store: Store) {
        self.store = store
    }

    func append(_ event: AuditEvent) async throws {
        try await withCheckedThrowingContinuation { continuation in
            queue.append((event, continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func folded() {
        folding = false
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = queue
            queue = []
            do {
                let events = batch.map(\.0)
                let foldDue = try await store.auditRead(events, foldWhenDue: false)
                for (_, continuation) in batch { continuation.resume() }
                if foldDue && !folding {
                    folding = true
                    Task {
                        try? await store.foldReadJournal()
                        await self.folded()
                    }
                }
            } catch {
                for (_, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
        writing = false
    }
}
