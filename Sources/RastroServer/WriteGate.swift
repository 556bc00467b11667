/// One writer at a time on the server's write connection. A `Store` is one database connection,
/// and a transaction (`BEGIN` … `COMMIT`) is several statements on it: two requests writing at
/// once through the same connection would nest their transactions (SQLite refuses: "cannot start a
/// transaction within a transaction") or mix their statements into one. Every write of the server
/// on that connection (leads, alert states, decisions, TAXII add-objects, derived indexes) goes
/// through the gate, in arrival order; audit entries go through `AuditBatcher`'s own connection.
actor WriteGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// Runs `body` alone among the gate's writers.
    nonisolated func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }
}
