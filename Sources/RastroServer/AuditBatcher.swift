public import RastroStore

/// Group commit for the audit log: every request that must be audited waits until its event is
/// in the chain, but events that arrive while a transaction is writing go together in the next
/// one. Under load one transaction carries many requests' events; alone, a request waits for one
/// transaction. Nothing is answered before its audit entry is committed.
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
                try await store.audit(events)
                for (_, continuation) in batch { continuation.resume() }
            } catch {
                for (_, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
        writing = false
    }
}
