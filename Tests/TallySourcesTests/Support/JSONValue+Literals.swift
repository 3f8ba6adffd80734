import TallyHTTP

/// Literal run bodies and settings in tests (`["date": "2025-11-16", "trailing_days": 0]`).
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) {
        self = .string(value)
    }

    public init(integerLiteral value: Int64) {
        self = .integer(value)
    }
}
