import Foundation
import Synchronization
import TallyWarehouse

/// Writes an extract step's batches on a thread of its own, so the extractor's decoding and mapping overlap
/// the warehouse's inserting (each about half of a large load). At most `capacity` batches wait, which keeps
/// memory bounded however large the source is. The first write error stops the writer; later `submit` calls
/// and `finish()` rethrow it, and queued batches are dropped (the step fails, its staging table is discarded).
final class BatchWriter: Sendable {
    private let queue: HandOffQueue<RowBatch>
    private let done = DispatchSemaphore(value: 0)
    private let written = Mutex(0)
    /// Written batches, emptied with their storage kept, for the extractor's next batches: a bulk load's
    /// batches are megabytes each, and fresh ones cost a page fault per page.
    private let recycled = Mutex<[RowBatch]>([])
    private let recycleLimit: Int

    init(capacity: Int = 2, write: @escaping @Sendable (RowBatch) throws -> Void) {
        queue = HandOffQueue(capacity: capacity)
        recycleLimit = capacity + 2
        let thread = Thread { [self] in run(write) }
        thread.name = "tally-batch-writer"
        thread.start()
    }

    private func run(_ write: @Sendable (RowBatch) throws -> Void) {
        while var batch = queue.take() {
            do {
                try write(batch)
                written.withLock { $0 += batch.count }
                batch.removeAll()
                recycled.withLock { if $0.count < recycleLimit { $0.append(batch) } }
            } catch {
                queue.fail(error)
            }
        }
        done.signal()
    }

    /// Queues a batch, waiting while `capacity` batches are already queued.
    func submit(_ batch: RowBatch) throws {
        try queue.put(batch)
    }

    /// An emptied batch of `columns` that has been written, if one is free; its storage is reused.
    func recycledBatch(columns: [String]) -> RowBatch? {
        recycled.withLock { batches in
            guard let index = batches.firstIndex(where: { $0.columns == columns }) else { return nil }
            return batches.remove(at: index)
        }
    }

    /// Waits until every queued batch is written (or the writer failed) and the thread has exited; returns the
    /// rows written. Must be called exactly once, also when the extractor failed, so the thread always ends.
    @discardableResult
    func finish() throws -> Int {
        queue.close()
        done.wait()
        if let error = queue.error { throw error }
        return written.withLock { $0 }
    }
}
