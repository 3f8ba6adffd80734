import TallySources
import TallyWarehouse
import Testing

@Suite struct CostWindowTests {
    func window(_ parameters: [String: WarehouseValue], _ trailing: CostWindow.Trailing = .days(3)) throws
        -> CostWindow
    {
        try CostWindow(parameters: parameters, trailing: trailing)
    }

    @Test func oneDayWithTheDefaultTrailingDays() throws {
        let window = try window(["date": .date("2025-03-02"), "start_date": .null, "end_date": .null])
        #expect("\(window.requestedStart)" == "2025-03-02" && "\(window.requestedEnd)" == "2025-03-02")
        #expect("\(window.start)" == "2025-02-27" && "\(window.end)" == "2025-03-02")
        #expect(window.trailingDays == 3)
        #expect("\(window.endExclusive)" == "2025-03-03")
    }

    @Test func rangeWithExplicitTrailingDays() throws {
        let window = try window([
            "start_date": .date("2024-12-30"), "end_date": .date("2025-01-02"), "trailing_days": .int(0),
        ])
        #expect("\(window.start)" == "2024-12-30" && "\(window.end)" == "2025-01-02")
    }

    @Test func previousMonthTrailingCrossesTheYear() throws {
        let window = try window(["date": .date("2025-01-15")], .previousMonth)
        #expect("\(window.start)" == "2024-12-01")
        #expect(window.trailingDays == 45)
    }

    @Test func ninetyThreeDaysIsTheLimit() throws {
        _ = try window(["start_date": .date("2025-01-01"), "end_date": .date("2025-04-03")])
        #expect(throws: SourceError.self) {
            try window(["start_date": .date("2025-01-01"), "end_date": .date("2025-04-04")])
        }
    }

    @Test func utcDayArithmetic() throws {
        let leap = try #require(UTCDay("2024-02-29"))
        #expect("\(leap.adding(days: 1))" == "2024-03-01")
        #expect(UTCDay("2025-02-29") == nil && UTCDay("2025-2-01") == nil)
        #expect(leap.unixSeconds == 1_709_164_800)
        #expect(UTCDay(unixSeconds: 1_709_164_799) == leap.adding(days: -1))
        #expect("\(try #require(UTCDay("2025-12-31")).firstOfNextMonth)" == "2026-01-01")
        #expect(UTCDay(year: 1970, month: 1, day: 1).ordinal == 0)
    }
}
