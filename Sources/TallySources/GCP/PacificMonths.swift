import Foundation

/// GCP invoice months are calendar months in `America/Los_Angeles`; FOCUS wants UTC instants. Converts an
/// invoice month (`YYYYMM`) to its exclusive UTC bounds and an instant to its Pacific month, through the time
/// zone database (so DST rules are not hard-coded), memoized because billing rows repeat the same few months.
struct PacificMonths {
    private let calendar: Calendar
    private var periods: [Int: (start: Date, end: Date)] = [:]
    private var monthsByHour: [Int64: Int] = [:]

    init() throws {
        guard let zone = TimeZone(identifier: "America/Los_Angeles") else {
            throw SourceError("time zone data for America/Los_Angeles is missing (install tzdata)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// `[first instant of the month, first instant of the next month)` in UTC, or nil for a malformed month.
    mutating func period(invoiceMonth text: String) -> (start: Date, end: Date)? {
        guard text.utf8.count == 6, let value = Int(text), let (year, month) = Self.split(value) else { return nil }
        if let cached = periods[value] { return cached }
        let next = month == 12 ? (year + 1, 1) : (year, month + 1)
        guard let start = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
            let end = calendar.date(from: DateComponents(year: next.0, month: next.1, day: 1))
        else { return nil }
        periods[value] = (start, end)
        return (start, end)
    }

    /// The Pacific `YYYYMM` an instant falls in (offsets change only on the hour, so hours are memoized).
    mutating func month(of date: Date) -> Int {
        let hour = Int64((date.timeIntervalSince1970 / 3600).rounded(.down))
        if let cached = monthsByHour[hour] { return cached }
        let parts = calendar.dateComponents([.year, .month], from: date)
        let value = (parts.year ?? 0) * 100 + (parts.month ?? 0)
        if monthsByHour.count > 100_000 { monthsByHour.removeAll() }
        monthsByHour[hour] = value
        return value
    }

    private static func split(_ value: Int) -> (Int, Int)? {
        let (year, month) = (value / 100, value % 100)
        return (1970...2200).contains(year) && (1...12).contains(month) ? (year, month) : nil
    }
}
