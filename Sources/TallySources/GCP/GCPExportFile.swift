import TallyWarehouse

/// The export as a newline-delimited JSON file (BigQuery's JSON export of the billing table), streamed line by
/// line: memory is bounded by the longest line, not the file.
struct GCPExportFile: GCPExportSource {
    var path: String

    var endpoint: String { "billing_export_file" }

    /// Row ids are `gcp:<line>:<FNV-1a of the line>`: stable for an identical file, distinct for edited lines.
    func forEachRecord(in window: CostWindow, workers: Int, _ body: @escaping GCPExportRecordBody) throws {
        let tables = StringTables(count: workers)
        try ParallelLines.forEach(path: path, workers: workers) { worker, line, number in
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            let record: GCPExportRecord
            let day: UTCDay
            do {
                record = try GCPExportRecord(line: Array(line), strings: tables.table(worker))
                day = try GCPFocusMapper.usageDay(record)
            } catch {
                throw SourceError("GCP billing export line \(number): \(error)")
            }
            guard window.contains(day) else { return }
            try body(worker, record, day, Self.rowID(line: number, hash: Self.hash(line)))
        }
    }

    /// One string table per worker thread; each thread only ever touches its own.
    private final class StringTables: @unchecked Sendable {
        private let tables: [JSONStringTable]

        init(count: Int) {
            tables = (0..<count).map { _ in JSONStringTable() }
        }

        func table(_ worker: Int) -> JSONStringTable { tables[worker] }
    }

    /// `gcp:<line>:<16 hex digits>`, written into one allocation (this runs once per row of a large export).
    static func rowID(line: Int, hash: UInt64) -> String {
        String(unsafeUninitializedCapacity: 4 + 20 + 1 + 16) { buffer in
            var count = 0
            for byte in "gcp:".utf8 {
                buffer[count] = byte
                count += 1
            }
            count += writeDecimal(line, into: UnsafeMutableBufferPointer(rebasing: buffer[count...]))
            buffer[count] = 0x3A
            count += 1
            writeHex(hash, into: UnsafeMutableBufferPointer(rebasing: buffer[count..<count + 16]))
            return count + 16
        }
    }

    /// The hash as 16 lower-case hex digits.
    static func hex(_ hash: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            writeHex(hash, into: buffer)
            return 16
        }
    }

    private static func writeHex(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        let digits: StaticString = "0123456789abcdef"
        for position in 0..<16 {
            let nibble = Int((value >> UInt64(60 - 4 * position)) & 0xF)
            buffer[position] = digits.utf8Start[nibble]
        }
    }

    /// Writes a non-negative `value` in decimal; returns the digits written.
    private static func writeDecimal(_ value: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var digits = 1
        var rest = max(value, 0)
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        rest = max(value, 0)
        for position in stride(from: digits - 1, through: 0, by: -1) {
            buffer[position] = UInt8(0x30 + rest % 10)
            rest /= 10
        }
        return digits
    }

    /// A 64-bit hash of the line, eight bytes at a time (FNV-1a's multiply over words): a content fingerprint
    /// for row ids, not a defence against crafted collisions (rows are the tenant's own export).
    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            var value: UInt64 = 0xcbf2_9ce4_8422_2325
            var offset = 0
            while offset + 8 <= raw.count {
                value ^= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                value &*= 0x0000_0100_0000_01B3
                value ^= value >> 29
                offset += 8
            }
            while offset < raw.count {
                value ^= UInt64(raw[offset])
                value &*= 0x0000_0100_0000_01B3
                offset += 1
            }
            return value ^ (value >> 32)
        }
    }
}
