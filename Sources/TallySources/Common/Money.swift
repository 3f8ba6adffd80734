import Foundation

/// Amounts stay exact decimals from the provider's text to the raw tables (as decimal strings): no `Double`
/// on the way, so an Anthropic cents string becomes dollars by an exact division and reconciliation compares
/// like with like.
enum Money {
    /// Parses a provider decimal literal strictly (`-12.5`, `4187.5`, `1e-7`); nil for anything else, where
    /// `Decimal(string:)` alone would read a prefix of `12,50` or `12abc`.
    static func decimal(_ text: String) -> Decimal? {
        var bytes = Array(text.utf8)[...]
        if bytes.first == 0x2D { bytes = bytes.dropFirst() }
        let digits = bytes.prefix { (0x30...0x39).contains($0) }
        guard !digits.isEmpty else { return nil }
        bytes = bytes.dropFirst(digits.count)
        if bytes.first == 0x2E {
            let fraction = bytes.dropFirst().prefix { (0x30...0x39).contains($0) }
            guard !fraction.isEmpty else { return nil }
            bytes = bytes.dropFirst(1 + fraction.count)
        }
        if bytes.first == 0x65 || bytes.first == 0x45 {
            bytes = bytes.dropFirst()
            if bytes.first == 0x2D || bytes.first == 0x2B { bytes = bytes.dropFirst() }
            guard !bytes.isEmpty, bytes.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            bytes = []
        }
        guard bytes.isEmpty else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Plain decimal text (no exponent), e.g. `41.875`.
    static func text(_ value: Decimal) -> String {
        value.description
    }

    /// Dollars from a cents literal, exactly (`"4187.5"` → `41.875`).
    static func dollars(fromCents text: String) -> Decimal? {
        decimal(text).map { $0 / 100 }
    }

    /// The ISO 4217 code FOCUS wants: upper case, three letters (`usd` → `USD`); nil otherwise.
    static func currency(_ code: String) -> String? {
        let upper = code.uppercased()
        guard upper.utf8.count == 3, upper.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else { return nil }
        return upper
    }
}
