import Foundation
import TallyWarehouse

/// Writes a FOCUS table as the CSV focus-validator reads: a header of column ids, FOCUS date/times as
/// `YYYY-MM-DDTHH:mm:ssZ`, decimals in plain notation, JSON as its text, nulls as empty fields.
enum FocusCSV {
    static func write(_ rows: [Row], columns: [TableSchema.Field], to path: String) throws {
        var lines = [columns.map(\.name).map(quote).joined(separator: ",")]
        for row in rows {
            lines.append(columns.map { field($0, row[$0.name] ?? .null) }.joined(separator: ","))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    private static func field(_ column: TableSchema.Field, _ value: WarehouseValue) -> String {
        switch (column.type, value) {
        case (_, .null): return ""
        case (.timestamp, let value):
            guard let date = value.timestampValue else { return "" }
            return quote(String(WarehouseTimestamp.format(date).prefix(19)) + "Z")
        case (.numeric, let value), (.float64, let value):
            return number(value.doubleValue ?? 0)
        default:
            return quote(value.stringValue ?? "")
        }
    }

    /// Plain decimal text with a decimal point (`3600.0`): FOCUS allows exponents only when negative, and a
    /// column of bare integers would be read as an integer type, which Decimal columns must not be.
    static func number(_ value: Double) -> String {
        var text = String(value)
        if text.contains("e") {
            text = String(format: "%.18f", value)
            while text.hasSuffix("0") { text.removeLast() }
        }
        if text.hasSuffix(".") { text += "0" }
        return text.contains(".") ? text : text + ".0"
    }

    private static func quote(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
