import Foundation
import TallyWarehouse

/// Writes an extract step's batches on a thread of its own, so the extractor's decoding and mapping overlap
/// the warehouse's inserting (each about half of a large load). At most `capacity` batches wait, which keeps
/// memory bounded however large the source is. The first write error stops the writer; later `submit` calls
/// and `finish()` rethrow it, and queued batches are dropped (the step fails, its staging table is discarded).
final class BatchWriter: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private let write: @Sendable (RowBatch) throws -> Void
    // Guarded by `condition`:
    private var queue: [RowBatch] = []
    private var failure: (any Error)?
    private var closing = false
    private var exited = false
    private var written = 0

    init(capacity: Int = 2, write: @escaping @Sendable (RowBatch) throws -> Void) {
        self.capacity = capacity
        self.write = write
        let thread = Thread { [self] in run() }
        thread.name = "tally-batch-writer"
        thread.start()
    }

    /// Queues a batch, waiting while `capacity` batches are already queued.
    func submit(_ batch: RowBatch) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(batch)
        condition.broadcast()
    }

    /// Waits until every queued batch is written (or the writer failed) and the thread has exited; returns the
    /// rows written. Must be called exactly once, also when the extractor failed, so the thread always ends.
    @discardableResult
    func finish() throws -> Int {
        condition.lock()
        defer { condition.unlock() }
        closing = true
        condition.broadcast()
        while !exited { condition.wait() }
        if let failure { throw failure }
        return written
    }

    private func run() {
        while let batch = next() {
            do {
                try write(batch)
                condition.lock()
                written += batch.count
                condition.unlock()
            } catch {
                condition.lock()
                failure = error
                queue.removeAll()
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// The next batch to write, or nil once closing with nothing queued (or after a failure).
    private func next() -> RowBatch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !closing, failure == nil { condition.wait() }
        guard failure == nil, !queue.isEmpty else {
            exited = true
            condition.broadcast()
            return nil
        }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }
}
