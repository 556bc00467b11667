import Foundation
import RastroModel

/// A dedicated thread that consumes batches of records in order, with a bounded queue: the
/// producer waits when `capacity` batches are pending, so memory stays flat. The first error
/// stops the thread and is rethrown to the producer at its next `submit` or at `finish`.
final class BatchWriter: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [[Record]] = []
    private var closed = false
    private var abandoned = false
    private var done = false
    private var failure: (any Error)?
    private let capacity: Int
    private let consume: ([Record]) throws -> Void

    init(capacity: Int = 32, consume: @escaping ([Record]) throws -> Void) {
        self.capacity = capacity
        self.consume = consume
        let thread = Thread { [self] in run() }
        thread.name = "rastro-sqlite-writer"
        thread.start()
    }

    func submit(_ batch: [Record]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(batch)
        condition.broadcast()
    }

    /// Waits until every submitted batch is written; rethrows the writer's error.
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        if let failure { throw failure }
    }

    /// Drops what is queued and waits for the thread to stop.
    func abandon() {
        condition.lock()
        defer { condition.unlock() }
        abandoned = true
        closed = true
        queue.removeAll()
        condition.broadcast()
        while !done { condition.wait() }
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty, !closed { condition.wait() }
            if abandoned || (queue.isEmpty && closed) || failure != nil {
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            do {
                try consume(batch)
            } catch {
                condition.lock()
                failure = error
                done = true
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }
}
