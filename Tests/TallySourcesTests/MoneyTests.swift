import Foundation
import Testing

@testable import TallySources

/// Cents vs dollars is the classic 100× bug: fixed fixtures for both providers' amount forms.
@Suite struct MoneyTests {
    @Test(arguments: [
        ("4187.5", "41.875"), ("123.45", "1.2345"), ("0.5", "0.005"), ("-250", "-2.5"), ("0", "0"),
        ("1e3", "10"), ("12345678901234567890.12", "123456789012345678.9012"),
    ])
    func anthropicCentsBecomeExactDollars(cents: String, dollars: String) throws {
        #expect(Money.dollars(fromCents: cents).map(Money.text) == dollars)
    }

    @Test(arguments: ["12,50", "abc", "1e", "", "-", "1.", ".5", "12abc", " 1", "0x10"])
    func malformedAmountsAreRefused(text: String) {
        #expect(Money.decimal(text) == nil)
    }

    @Test func openAIDollarsStayExactDecimals() throws {
        struct Amount: Decodable { var value: Decimal }
        let data = Data(#"[{"value": 1.92}, {"value": 0.06420000000000001}, {"value": 1e-7}]"#.utf8)
        let values = try JSONDecoder().decode([Amount].self, from: data).map { Money.text($0.value) }
        #expect(values == ["1.92", "0.06420000000000001", "0.0000001"])
    }

    @Test func currenciesAreUpperCaseISOCodes() {
        #expect(Money.currency("usd") == "USD")
        #expect(Money.currency("EUR") == "EUR")
        #expect(Money.currency("us$") == nil && Money.currency("dollars") == nil)
    }

    @Test func naturalKeysKeepNullsAndSeparatorsDistinct() {
        #expect(RawRows.key("openai", ["a:b", nil]) != RawRows.key("openai", ["a", "b:~"]))
        #expect(RawRows.key("openai", [nil]) != RawRows.key("openai", ["~"]))
        #expect(RawRows.key("openai", ["x", nil]) == "openai:x:~")
    }

    @Test func pacificInvoiceMonthsBecomeUTCInstants() throws {
        var months = try PacificMonths()
        let period = months.period(invoiceMonth: "202511")
        let november = try #require(period)
        #expect(november.start == Date(timeIntervalSince1970: 1_761_980_400))  // 2025-11-01T07:00Z (PDT)
        #expect(november.end == Date(timeIntervalSince1970: 1_764_576_000))  // 2025-12-01T08:00Z (PST)
        let invalid = months.period(invoiceMonth: "202513")
        #expect(invalid == nil)
        // 2025-11-01T06:59Z is still October in Los Angeles.
        let month = months.month(of: Date(timeIntervalSince1970: 1_761_980_340))
        #expect(month == 202_510)
    }
}
