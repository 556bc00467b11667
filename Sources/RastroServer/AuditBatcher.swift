public import RastroStore

/// Group commit for the audit log: every request that must be audited waits until its event is
/// logged, but events that arrive while one batch is being logged go together in the next. On
/// SQLite a batch is one write to the batcher store's read journal (`Store.auditRead`), folded
/// into the chain in batches; on PostgreSQL one transaction. Nothing is answered before its audit
/// entry is logged.
actor AuditBatcher {
    /// A connection of the batcher's own: nothing else writes through it, and `drain` runs one
    /// batch at a time, so no write gate is needed.
    private let store: Store
    private var queue: [(AuditEvent, CheckedContinuation<Void, any Error>)] = []
    private var writing = false

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

    private func drain() async {
        while !queue.isEmpty {
            let batch = queue
            queue = []
            do {
                let events = batch.map(\.0)
                try await store.auditRead(events)
                for (_, continuation) in batch { continuation.resume() }
            } catch {
                for (_, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
        writing = false
    }
}
