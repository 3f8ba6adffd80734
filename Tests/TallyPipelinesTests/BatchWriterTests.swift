import Foundation
import TallyWarehouse
import Testing

@testable import TallyPipelines

@Suite struct BatchWriterTests {
    func batch(_ value: Int64) -> RowBatch {
        var batch = RowBatch(columns: ["n"])
        batch.append([.int(value)])
        return batch
    }

    @Test func writesEveryBatchInOrderAndCountsRows() throws {
        let written = Written()
        let writer = BatchWriter { batch in written.append(batch[0, 0].intValue ?? -1) }
        for value in 0..<100 { try writer.submit(batch(Int64(value))) }
        #expect(try writer.finish() == 100)
        #expect(written.values == Array(0..<100))
    }

    @Test func writtenBatchesComeBackEmptyForTheirColumns() throws {
        let writer = BatchWriter { _ in }
        #expect(writer.recycledBatch(columns: ["n"]) == nil)
        try writer.submit(batch(1))
        try writer.submit(batch(2))
        #expect(try writer.finish() == 2)
        #expect(writer.recycledBatch(columns: ["other"]) == nil)
        let reused = try #require(writer.recycledBatch(columns: ["n"]))
        #expect(reused.isEmpty && reused.columns == ["n"])
        #expect(writer.recycledBatch(columns: ["n"]) != nil)
        #expect(writer.recycledBatch(columns: ["n"]) == nil)
    }

    @Test func theFirstWriteErrorStopsSubmitsAndFinish() throws {
        struct Full: Error, Equatable {}
        let writer = BatchWriter { batch in if batch[0, 0].intValue == 3 { throw Full() } }
        var rejected = false
        for value in 0..<1_000 {
            do {
                try writer.submit(batch(Int64(value)))
            } catch {
                #expect(error as? Full == Full())
                rejected = true
                break
            }
        }
        #expect(rejected)
        #expect(throws: Full()) { try writer.finish() }
    }

    private final class Written: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [Int64] = []
        var values: [Int64] { lock.withLock { stored } }
        func append(_ value: Int64) { lock.withLock { stored.append(value) } }
    }
}
