import Foundation

/// Named query parameters: `{"name", "parameterType": {"type"}, "parameterValue": {"value"}}`, values always
/// as strings. A value is only ever bound this way, never spliced into SQL text.
///
/// NULL is the exception, because BigQuery types every parameter and a NULL STRING cannot be assigned to an
/// INT64 column: `SQLScanner` replaces a NULL parameter's `@name` with the keyword `NULL`, which adapts to
/// its context. That splices a constant, never data.
enum BigQueryParameters {
    /// `(type, value)` for a non-NULL value, by the value's own kind (for caller SQL).
    static func typed(_ value: WarehouseValue) -> (type: String, value: String)? {
        switch value {
        case .null: nil
        case .bool(let flag): ("BOOL", flag ? "true" : "false")
        case .int(let number): ("INT64", String(number))
        case .double(let number): ("FLOAT64", float(number))
        case .string(let text): ("STRING", text)
        case .bytes(let bytes): ("BYTES", Data(bytes).base64EncodedString())
        case .timestamp(let date): ("TIMESTAMP", BigQueryTimestamp.format(date))
        case .date(let day): ("DATE", day)
        case .json(let text): ("JSON", text)
        }
    }

    /// `(type, value)` for a value already checked against `field` (see `BigQueryRowEncoding`), typed by the
    /// column, so an INSERT assigns exactly the column's type (NUMERIC from a double, JSON from a string).
    static func typed(_ value: WarehouseValue, for field: TableSchema.Field) -> (type: String, value: String)? {
        switch (field.type, value) {
        case (_, .null): return nil
        case (.numeric, .double(let number)): return ("NUMERIC", decimal(number))
        case (.json, .string(let text)):
            return ("JSON", BigQueryJSON.parse(text) != nil ? text : BigQueryJSON.string(text).text)
        default: return typed(value)
        }
    }

    static func json(name: String, type: String, value: String) -> BigQueryJSON {
        .object([
            "name": .string(name), "parameterType": .object(["type": .string(type)]),
            "parameterValue": .object(["value": .string(value)]),
        ])
    }

    /// FLOAT64 text BigQuery reads back exactly: shortest round-trip digits, or its names for non-finite values.
    static func float(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
        return String(number)
    }

    /// NUMERIC text without exponent notation (NUMERIC has 9 fraction digits).
    static func decimal(_ number: Double) -> String {
        let text = String(number)
        guard text.contains("e") || text.contains("E") else { return text }
        var fixed = String(format: "%.9f", number)
        while fixed.hasSuffix("0") { fixed.removeLast() }
        return fixed.hasSuffix(".") ? String(fixed.dropLast()) : fixed
    }
}
