import Foundation
import Testing

@testable import TallyWarehouse

@Suite struct TimestampTextTests {
    @Test func matchesWarehouseTimestampOnWholeSeconds() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let date = Date(
                timeIntervalSince1970: Double(Int64.random(in: -2_000_000_000...6_000_000_000, using: &generator)))
            #expect(TimestampText.format(date) == WarehouseTimestamp.format(date))
        }
        for date in [Date(timeIntervalSince1970: -62_135_596_800), Date(timeIntervalSince1970: 253_402_300_799)] {
            #expect(TimestampText.format(date) == WarehouseTimestamp.format(date))
        }
    }

    @Test func millisecondsRoundTrip() throws {
        for millis in stride(from: Int64(1_763_200_800_000), to: 1_763_200_802_000, by: 1) {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let text = TimestampText.format(date)
            #expect(text.hasSuffix(String(format: ".%03dZ", millis % 1000)))
            #expect(TimestampText.parse(Array(text.utf8)) == date)
        }
    }

    @Test(arguments: [
        ("2025-11-15 10:00:00 UTC", 1_763_200_800.0), ("2025-11-15T10:00:00Z", 1_763_200_800),
        ("2025-11-15T10:00:00", 1_763_200_800), ("2025-11-15T10:00:00.250Z", 1_763_200_800.25),
        ("2025-11-15 10:00:00.123456 UTC", 1_763_200_800.123456), ("2025-11-15T12:30:00+02:30", 1_763_200_800),
        ("2025-11-15T08:00:00-0200", 1_763_200_800), ("2025-11-15", 1_763_164_800),
        ("2024-02-29T00:00:00Z", 1_709_164_800), ("2025-11-15 10:00:00+00", 1_763_200_800),
        ("2025-11-15 12:00:00.5+02", 1_763_200_800.5), ("2025-11-15T07:00:00-03", 1_763_200_800),
    ])
    func parsesCommonForms(_ text: String, _ seconds: Double) throws {
        let date = try #require(TimestampText.parse(Array(text.utf8)))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test(arguments: ["2025-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-11-15T24:00:00Z", "yesterday", ""])
    func rejectsInvalidTimestamps(_ text: String) {
        #expect(TimestampText.parse(Array(text.utf8)) == nil)
    }
}
