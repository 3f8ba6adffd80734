import Foundation
import TallyWarehouse

/// A UTC calendar day, counted from 1970-01-01. Plain integer arithmetic (no `Calendar`), so windows, bucket
/// days and billing months are exact and cheap to derive for every row.
public struct UTCDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var ordinal: Int

    public init(ordinal: Int) {
        self.ordinal = ordinal
    }

    /// Parses a strict `YYYY-MM-DD` that names an existing day.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
            let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]),
            let day = Self.number(bytes[8..<10]), (1...12).contains(month),
            (1...Self.length(of: month, in: year)).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public init(year: Int, month: Int, day: Int) {
        // Howard Hinnant's days_from_civil.
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        ordinal = era * 146_097 + dayOfEra - 719_468
    }

    /// The UTC day an instant falls on.
    public init(containing date: Date) {
        ordinal = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// The UTC day of a Unix time in seconds.
    public init(unixSeconds: Int64) {
        ordinal = Int(unixSeconds >= 0 ? unixSeconds / 86_400 : (unixSeconds - 86_399) / 86_400)
    }

    public var components: (year: Int, month: Int, day: Int) {
        CivilDate.fromDays(ordinal)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (year, month, day) = components
        guard (0...9999).contains(year) else { return String(format: "%04d-%02d-%02d", year, month, day) }
        // Written by hand: this runs for every row of a bulk load, and String(format:) costs microseconds.
        var bytes = [UInt8](repeating: 0x30, count: 10)
        for (offset, width, value) in [(0, 4, year), (5, 2, month), (8, 2, day)] {
            var rest = value
            for position in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[position] = UInt8(0x30 + rest % 10)
                rest /= 10
            }
        }
        bytes[4] = 0x2D
        bytes[7] = 0x2D
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Midnight UTC at the start of the day.
    public var start: Date { Date(timeIntervalSince1970: TimeInterval(unixSeconds)) }
    public var unixSeconds: Int64 { Int64(ordinal) * 86_400 }

    public func adding(days: Int) -> UTCDay { UTCDay(ordinal: ordinal + days) }

    public var firstOfMonth: UTCDay {
        let (year, month, _) = components
        return UTCDay(year: year, month: month, day: 1)
    }

    public var firstOfNextMonth: UTCDay {
        let (year, month, _) = components
        return month == 12 ? UTCDay(year: year + 1, month: 1, day: 1) : UTCDay(year: year, month: month + 1, day: 1)
    }

    public static func < (lhs: UTCDay, rhs: UTCDay) -> Bool { lhs.ordinal < rhs.ordinal }

    static func length(of month: Int, in year: Int) -> Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
