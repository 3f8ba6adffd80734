import Foundation

/// The textual timestamp form used where an engine has no timestamp type (SQLite): fixed-width
/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, which sorts correctly as text and which SQLite's date functions read.
public enum WarehouseTimestamp {
    public static func format(_ date: Date) -> String {
        var text = [UInt8](repeating: 0, count: TimestampText.length)
        if TimestampText.write(date, into: &text) { return String(decoding: text, as: UTF8.self) }
        // Years outside the fast path's range: Foundation's formatter (never used for real billing data).
        return date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }

    /// Parses the fixed form and the common ISO-8601 / BigQuery variants (`2025-11-15 10:00:00 UTC`,
    /// without fraction, with offset).
    public static func parse(_ text: String) -> Date? {
        var candidate = text.trimmingCharacters(in: .whitespaces)
        if candidate.hasSuffix(" UTC") { candidate = String(candidate.dropLast(4)) + "Z" }
        candidate = candidate.replacingOccurrences(of: " ", with: "T")
        if candidate.count == 19 { candidate += "Z" }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(candidate) {
            return date
        }
        return try? Date.ISO8601FormatStyle().parse(candidate)
    }
}
