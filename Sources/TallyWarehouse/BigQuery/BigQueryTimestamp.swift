import Foundation

/// TIMESTAMP text and cells. BigQuery is microsecond-precise, so values are written as RFC 3339 with six
/// fraction digits (what it wants for parameters, NDJSON and insertAll) and read from either cell form:
/// int64 microseconds (asked for with `useInt64Timestamp`) or float seconds, plain or in scientific
/// notation (`"1.795857004943203E9"`, the default of real BigQuery).
enum BigQueryTimestamp {
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// `2025-08-01T00:00:00.123456Z`, proleptic Gregorian, UTC.
    static func format(_ date: Date) -> String {
        let micros = microseconds(date)
        let (days, dayMicros) = floorDivide(micros, 86_400_000_000)
        let (year, month, day) = CivilDate.fromDays(Int(days))
        let seconds = dayMicros / 1_000_000
        let fraction = dayMicros % 1_000_000
        return String(year).leftPadded(4) + "-" + String(month).leftPadded(2) + "-" + String(day).leftPadded(2) + "T"
            + String(seconds / 3600).leftPadded(2) + ":" + String(seconds / 60 % 60).leftPadded(2) + ":"
            + String(seconds % 60).leftPadded(2) + "." + String(fraction).leftPadded(6) + "Z"
    }

    /// A TIMESTAMP cell: integer microseconds, else float seconds (any notation).
    static func parseCell(_ text: String) -> Date? {
        if let micros = Int64(text) { return Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
        guard let seconds = Double(text), seconds.isFinite else { return nil }
        return Date(timeIntervalSince1970: (seconds * 1_000_000).rounded() / 1_000_000)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
