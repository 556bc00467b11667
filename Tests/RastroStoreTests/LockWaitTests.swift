import Foundation
@_spi(Testing) import RastroStore
import RastroTesting
import Testing

/// A statement that finds another connection's write lock waits for it on a thread of its own,
/// not on one of Swift's cooperative threads (as many as the machine has cores): while writers
/// wait, a read on another connection is answered, and each writer goes on once the lock is free.
@Suite struct LockWaitTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    @Test func writersWaitingForTheLockLeaveTheCooperativeThreadsFree() async throws {
        let test = try await TestStore.make(.sqlite)
        defer { Task { await test.dispose() } }
        try await test.store.executeForTests("CREATE TABLE lock_probe (n INTEGER)")
        let started = Counter(), finished = Counter()
        var configuration = StoreConfiguration(trace: { if $0.hasPrefix("INSERT INTO lock_probe") { started.add() } })
        configuration.busyTimeoutMilliseconds = 20_000
        let holder = try await Store.open(test.store.url)
        let writerCount = 2 * ProcessInfo.processInfo.activeProcessorCount + 2
        var writers: [Store] = []
        for _ in 0..<writerCount { writers.append(try await Store.open(test.store.url, configuration: configuration)) }

        try await holder.executeForTests("BEGIN")
        try await holder.executeForTests("INSERT INTO lock_probe (n) VALUES (-1)")
        let tasks = writers.enumerated().map { index, writer in
            Task {
                defer { finished.add() }
                try await writer.executeForTests("INSERT INTO lock_probe (n) VALUES (\(index))")
            }
        }
        // Every writer has begun its statement; with the waits on cooperative threads, this loop
        // (and the read below) would get a thread only once the writers had given up.
        while started.value < writerCount { try await Task.sleep(for: .milliseconds(10)) }
        let rows = try await test.store.queryForTests("SELECT COUNT(*) AS n FROM lock_probe")
        #expect(rows.first?["n"].integer == 0)
        #expect(finished.value == 0, "the writers gave up or went on while the lock was held")

        try await holder.executeForTests("COMMIT")
        for task in tasks { try await task.value }
        #expect(try await test.store.queryForTests("SELECT COUNT(*) AS n FROM lock_probe").first?["n"].integer == Int64(writerCount + 1))
        for writer in writers { await writer.close() }
        await holder.close()
    }
}
