import Foundation

/// The fixed timestamp text SQLite tables hold (`YYYY-MM-DDTHH:MM:SS.mmmZ`, as `WarehouseTimestamp` documents),
/// written and read without Foundation's formatters: bulk loads convert millions of timestamps, and those
/// formatters cost microseconds each. Dates are rounded to the microsecond before the milliseconds are
/// truncated, so a millisecond-precise `Date` survives the round trip despite binary floating point.
enum TimestampText {
    static let length = 24
    private static let unixEpochFromReference = 978_307_200
    /// Outside these years Foundation's calendar (Julian before 1583) is the reference; defer to it there.
    private static let fastYears = 1583...9999

    static func format(_ date: Date) -> String {
        WarehouseTimestamp.format(date)
    }

    /// Writes `date` into the first `length` bytes of `text`; false for dates the fast path does not cover.
    static func write(_ date: Date, into text: inout [UInt8]) -> Bool {
        let micros = (date.timeIntervalSinceReferenceDate * 1_000_000).rounded()
        guard text.count >= length, abs(micros) < 1e17 else { return false }
        let totalMicros = Int(micros)
        let seconds = totalMicros.floorDivided(by: 1_000_000) + unixEpochFromReference
        let millis = (totalMicros - (seconds - unixEpochFromReference) * 1_000_000) / 1000
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilDate.fromDays(days)
        guard fastYears.contains(year) else { return false }
        put(year, width: 4, at: 0, in: &text)
        text[4] = 0x2D
        put(month, width: 2, at: 5, in: &text)
        text[7] = 0x2D
        put(day, width: 2, at: 8, in: &text)
        text[10] = 0x54
        put(secondOfDay / 3600, width: 2, at: 11, in: &text)
        text[13] = 0x3A
        put(secondOfDay / 60 % 60, width: 2, at: 14, in: &text)
        text[16] = 0x3A
        put(secondOfDay % 60, width: 2, at: 17, in: &text)
        text[19] = 0x2E
        put(millis, width: 3, at: 20, in: &text)
        text[23] = 0x5A
        return true
    }

    /// Reads `YYYY-MM-DD[T| ]HH:MM:SS[.fraction][Z| UTC|±HH:MM]` or a bare date, falling back to
    /// `WarehouseTimestamp.parse` for anything else.
    static func parse<Text: RandomAccessCollection<UInt8>>(_ text: Text) -> Date? where Text.Index == Int {
        switch fastParse(text) {
        case .date(let date): date
        case .invalid: nil
        case .unsupported: WarehouseTimestamp.parse(String(decoding: text, as: UTF8.self))
        }
    }

    /// Foundation's parser rolls over out-of-range fields (February 30 → March 2); the fast path does not, and
    /// defers only texts it does not recognize at all.
    private enum Outcome {
        case date(Date)
        case invalid
        case unsupported
    }

    private static func fastParse<Text: RandomAccessCollection<UInt8>>(_ text: Text) -> Outcome
    where Text.Index == Int {
        let start = text.startIndex
        let count = text.count
        func digits(_ offset: Int, _ width: Int) -> Int? { number(in: text, at: start + offset, width: width) }
        guard count >= 10, text[start + 4] == 0x2D, text[start + 7] == 0x2D,
            let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2), fastYears.contains(year)
        else { return .unsupported }
        guard (1...12).contains(month), (1...daysIn(month, of: year)).contains(day) else { return .invalid }
        var seconds = days(fromYear: year, month: month, day: day) * 86_400
        var nanos = 0
        var offset = 10
        if count > 10 {
            guard count >= 19, text[start + 10] == 0x54 || text[start + 10] == 0x20,
                text[start + 13] == 0x3A, text[start + 16] == 0x3A,
                let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
                hour < 24, minute < 60, second < 60
            else { return .invalid }
            seconds += hour * 3600 + minute * 60 + second
            offset = 19
            if offset < count, text[start + offset] == 0x2E {
                offset += 1
                var scale = 100_000_000
                while offset < count, let digit = digits(offset, 1) {
                    nanos += digit * scale
                    scale /= 10
                    offset += 1
                }
            }
        }
        guard let zone = zoneOffset(text, from: start + offset) else { return .invalid }
        seconds -= zone
        // Whole microseconds divide exactly as `Date(timeIntervalSince1970: millis / 1000)` does, so the
        // round trip gives back the same `Date`.
        if nanos % 1000 == 0 {
            return .date(Date(timeIntervalSince1970: Double(seconds * 1_000_000 + nanos / 1000) / 1e6))
        }
        return .date(Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9))
    }

    /// Seconds east of UTC for the suffix at `index`: empty, `Z`, ` UTC`, `±HH:MM`, `±HHMM` or `±HH` (ISO 8601's
    /// hours-only offset, which PostgreSQL-style engines write, e.g. the local BigQuery peer's `+00`).
    private static func zoneOffset<Text: RandomAccessCollection<UInt8>>(_ text: Text, from index: Int) -> Int?
    where Text.Index == Int {
        switch text.endIndex - index {
        case 0: return 0
        case 1: return text[index] == 0x5A ? 0 : nil
        case 3:
            guard text[index] == 0x2B || text[index] == 0x2D, let hours = number(in: text, at: index + 1, width: 2)
            else { return nil }
            return (text[index] == 0x2D ? -3600 : 3600) * hours
        case 4: return text[index...].elementsEqual(" UTC".utf8) ? 0 : nil
        case 5, 6:
            let minutesAt = text.endIndex - 2
            guard text[index] == 0x2B || text[index] == 0x2D, minutesAt == index + 3 || text[index + 3] == 0x3A,
                let hours = number(in: text, at: index + 1, width: 2),
                let minutes = number(in: text, at: minutesAt, width: 2)
            else { return nil }
            return (text[index] == 0x2D ? -60 : 60) * (hours * 60 + minutes)
        default: return nil
        }
    }

    private static func number<Text: RandomAccessCollection<UInt8>>(in text: Text, at index: Int, width: Int) -> Int?
    where Text.Index == Int {
        var value = 0
        for position in index..<index + width {
            let digit = Int(text[position]) &- 0x30
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func put(_ value: Int, width: Int, at offset: Int, in text: inout [UInt8]) {
        var value = value
        for index in stride(from: offset + width - 1, through: offset, by: -1) {
            text[index] = UInt8(0x30 + value % 10)
            value /= 10
        }
    }

    private static func daysIn(_ month: Int, of year: Int) -> Int {
        if month == 2 { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28 }
        return [4, 6, 9, 11].contains(month) ? 30 : 31
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func days(fromYear year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear.floorDivided(by: 400)
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

}

extension Int {
    fileprivate func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
