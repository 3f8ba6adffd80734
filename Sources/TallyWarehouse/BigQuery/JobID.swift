import Foundation

/// The id of one logical BigQuery job, fixed before its first request is sent.
///
/// Why a fresh random id per call, not a hash of the SQL: a retry of the same request must reuse the id (so
/// BigQuery answers 409 `duplicate` instead of running the work twice), while a new call must get a new one,
/// even with identical SQL and parameters (two equal compare-and-set attempts are two decisions; a content
/// hash would hand the second the first one's outcome). Identity of the call, not of its text, is what
/// matters, and a UUID drawn once per call is exactly that. Re-running a job that BigQuery ran and failed
/// (a lost transaction conflict) is a new attempt with its own suffixed id.
///
/// Form: `tally_<kind>_<dataset, ≤ 64 chars>_<32 hex digits>[_a<n>]`: letters, digits and `_`, as job ids
/// allow, and readable in INFORMATION_SCHEMA.JOBS next to the job's labels.
struct JobID: Sendable, Hashable, CustomStringConvertible {
    let base: String

    init(kind: String, dataset: String, unique: UUID = UUID()) {
        let hex = unique.uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let safe = String(dataset.prefix(64).map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        base = "tally_\(kind)_\(safe)_\(hex)"
    }

    /// The id of attempt `n` (0 for the first run).
    func attempt(_ n: Int) -> String {
        n == 0 ? base : "\(base)_a\(n)"
    }

    var description: String { base }

    /// insertAll `insertId`s: fixed per row of one call, so a retried request is de-duplicated (best effort).
    func insertID(row: Int) -> String {
        "\(base)_\(row)"
    }
}
