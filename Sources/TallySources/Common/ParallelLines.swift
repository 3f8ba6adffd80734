import Foundation

/// Hands a file's lines to several worker threads: the calling thread reads 1 MiB chunks and cuts them at
/// line ends, workers take whole chunks. Decoding and mapping a large export costs several times what
/// reading it does, so on a multi-core host this is what keeps a load from being bound to one core.
///
/// At most `queueDepth` chunks wait, so memory stays bounded by a few chunks however large the file is. The
/// first error (the reader's or a worker's) stops everyone and is rethrown once all threads have finished.
/// Lines reach workers in no particular order; each comes with its 1-based line number.
final class ParallelLines: @unchecked Sendable {
    typealias Body = @Sendable (_ worker: Int, _ line: ArraySlice<UInt8>, _ number: Int) throws -> Void

    private struct Chunk {
        var bytes: [UInt8]
        var firstLine: Int
    }

    private let condition = NSCondition()
    private let queueDepth = 4
    // Guarded by `condition`:
    private var queue: [Chunk] = []
    private var closed = false
    private var failure: (any Error)?
    private var running = 0

    /// Workers to use on this host: one per core, at most `limit`.
    static func defaultWorkers(limit: Int = 4) -> Int {
        max(1, min(ProcessInfo.processInfo.activeProcessorCount, limit))
    }

    /// Runs `body` for every line of the file at `path` on `workers` threads; returns when all are done.
    static func forEach(path: String, workers: Int, _ body: @escaping Body) throws {
        let reader = try LineReader(path: path)
        let shared = ParallelLines()
        shared.running = workers
        for worker in 0..<workers {
            let thread = Thread { shared.work(worker, body) }
            thread.name = "tally-lines-\(worker)"
            thread.start()
        }
        do {
            try reader.forEachChunk { bytes, firstLine in try shared.submit(Chunk(bytes: bytes, firstLine: firstLine)) }
        } catch {
            shared.fail(error)
        }
        try shared.finish()
    }

    private func submit(_ chunk: Chunk) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= queueDepth, failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(chunk)
        condition.broadcast()
    }

    private func fail(_ error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Closes the queue, waits for the workers and rethrows the first failure.
    private func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        if let failure { throw failure }
    }

    private func work(_ worker: Int, _ body: Body) {
        while let chunk = next() {
            do {
                try LineReader.forEachLine(in: chunk.bytes, firstLine: chunk.firstLine) { line, number in
                    try body(worker, line, number)
                }
            } catch {
                fail(error)
            }
        }
        condition.lock()
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    private func next() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !closed, failure == nil { condition.wait() }
        guard failure == nil, !queue.isEmpty else { return nil }
        let chunk = queue.removeFirst()
        condition.broadcast()
        return chunk
    }
}
