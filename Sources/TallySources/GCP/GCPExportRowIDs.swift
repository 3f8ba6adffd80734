/// Row ids for export table rows: `gcp:<16 hex digits>`, the hash of the row's JSON (`GCPExportFile.hash`),
/// so an unchanged row keeps its id from run to run whatever order BigQuery returns rows in.
///
/// A table has no line numbers to tell identical rows apart, and the export can hold two rows that are equal
/// in every column; the second and later copies get `:2`, `:3`, … so `x_source_row_id` stays unique, a key
/// for the row. Copies are indistinguishable, so which one gets which suffix does not matter.
struct GCPExportRowIDs {
    private var seen: Set<UInt64> = []
    /// Only hashes seen more than once: rare, so this stays small while `seen` holds one word per row.
    private var copies: [UInt64: Int] = [:]

    mutating func id(for json: ArraySlice<UInt8>) -> String {
        let hash = GCPExportFile.hash(json)
        var text = "gcp:" + GCPExportFile.hex(hash)
        if !seen.insert(hash).inserted {
            let copy = (copies[hash] ?? 1) + 1
            copies[hash] = copy
            text += ":" + String(copy)
        }
        return text
    }
}
