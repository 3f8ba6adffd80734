import Foundation
import TallyPipelines

/// Hands a file's lines to several worker threads: the calling thread reads 1 MiB chunks and cuts them at
/// line ends, workers take whole chunks. Decoding and mapping a large export costs several times what
/// reading it does, so on a multi-core host this is what keeps a load from being bound to one core.
///
/// At most a few chunks wait (`HandOffQueue`), so memory stays bounded however large the file is. The first
/// error (the reader's or a worker's) stops everyone and is rethrown once all threads have finished. Lines
/// reach workers in no particular order; each comes with its 1-based line number.
enum ParallelLines {
    typealias Body = @Sendable (_ worker: Int, _ line: ArraySlice<UInt8>, _ number: Int) throws -> Void

    private struct Chunk {
        var bytes: [UInt8]
        var firstLine: Int
    }

    private static let queueDepth = 4

    /// Workers to use on this host: one per core, at most `limit`.
    static func defaultWorkers(limit: Int = 4) -> Int {
        max(1, min(ProcessInfo.processInfo.activeProcessorCount, limit))
    }

    /// Runs `body` for every line of the file at `path` on `workers` threads; returns when all are done.
    static func forEach(path: String, workers: Int, _ body: @escaping Body) throws {
        let reader = try LineReader(path: path)
        let queue = HandOffQueue<Chunk>(capacity: queueDepth)
        let finished = DispatchGroup()
        for worker in 0..<workers {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                while let chunk = queue.take() {
                    do {
                        try LineReader.forEachLine(in: chunk.bytes, firstLine: chunk.firstLine) { line, number in
                            try body(worker, line, number)
                        }
                    } catch {
                        queue.fail(error)
                    }
                }
            }
            thread.name = "tally-lines-\(worker)"
            thread.start()
        }
        do {
            try reader.forEachChunk { bytes, firstLine in try queue.put(Chunk(bytes: bytes, firstLine: firstLine)) }
        } catch {
            queue.fail(error)
        }
        queue.close()
        finished.wait()
        if let error = queue.error { throw error }
    }
}
