/// The export as a newline-delimited JSON file (BigQuery's JSON export of the billing table), streamed line by
/// line: memory is bounded by the longest line, not the file.
struct GCPExportFile: GCPExportSource {
    var path: String

    var endpoint: String { "billing_export_file" }

    /// Row ids are `gcp:<line>:<FNV-1a of the line>`: stable for an identical file, distinct for edited lines.
    func forEachRecord(in window: CostWindow, workers: Int, _ body: @escaping GCPExportRecordBody) throws {
        try ParallelLines.forEach(path: path, workers: workers) { worker, line, number in
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            let record: GCPExportRecord
            let day: UTCDay
            do {
                record = try GCPExportRecord(line: Array(line))
                day = try GCPFocusMapper.usageDay(record)
            } catch {
                throw SourceError("GCP billing export line \(number): \(error)")
            }
            guard window.contains(day) else { return }
            try body(worker, record, day, Self.rowID(line: number, hash: Self.hash(line)))
        }
    }

    /// `gcp:<line>:<16 hex digits>`, built without string interpolation (once per row of a large export).
    static func rowID(line: Int, hash: UInt64) -> String {
        var text = "gcp:"
        text += String(line)
        text += ":"
        text += hex(hash)
        return text
    }

    /// The hash as 16 lower-case hex digits.
    static func hex(_ hash: UInt64) -> String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
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
