import Foundation
import TallyWarehouse

/// Streams a newline-delimited JSON file into a table in batches, so memory stays bounded by the batch
/// size rather than the file size.
struct NDJSONLoader {
    let warehouse: any Warehouse
    let schema: TableSchema
    let options: JobOptions
    var batchSize = 5_000

    /// Loads every non-blank line; a malformed line fails the load and names its line number.
    func load(path: String, into table: TableRef) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StepFailure(message: "cannot open \(URL(fileURLWithPath: path).lastPathComponent)")
        }
        defer { try? handle.close() }
        let decoder = RowDecoder(schema: schema)
        var batch: [Row] = []
        batch.reserveCapacity(batchSize)
        var pending: [UInt8] = []
        var lineNumber = 0
        var written = 0

        func flush() throws {
            guard !batch.isEmpty else { return }
            try warehouse.insertRows(batch, into: table, options: options)
            written += batch.count
            batch.removeAll(keepingCapacity: true)
        }
        func consume(_ line: ArraySlice<UInt8>) throws {
            lineNumber += 1
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            do {
                batch.append(try decoder.decode(line: line))
            } catch {
                throw StepFailure(message: "line \(lineNumber): \(error)")
            }
            if batch.count >= batchSize { try flush() }
        }

        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                try consume(pending[start..<newline])
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty { try consume(pending[...]) }
        try flush()
        return written
    }
}
