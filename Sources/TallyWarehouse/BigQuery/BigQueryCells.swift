import Foundation

/// Result cells (`rows[].f[].v`) to `WarehouseValue`s, by the result schema.
///
/// Scalars arrive as strings (INT64, FLOAT64, NUMERIC, BOOL included), NULL as `null`, TIMESTAMP as int64
/// microseconds or float seconds, BYTES as base64. RECORD (`{"f": [...]}`) and REPEATED (`[{"v": …}]`)
/// become `.json` text with sorted keys, as `RowDecoder` makes them from NDJSON exports, so templates read
/// nested data the same way on every engine.
enum BigQueryCells {
    static func rows(_ rows: [BigQueryJSON], fields: [TableSchema.Field]) throws(WarehouseError) -> [Row] {
        var output: [Row] = []
        output.reserveCapacity(rows.count)
        for row in rows {
            guard let cells = row["f"]?.array, cells.count == fields.count else {
                throw .io("BigQuery row does not match its schema")
            }
            var values = Row(minimumCapacity: fields.count)
            for (field, cell) in zip(fields, cells) {
                values[field.name] = try value(cell["v"] ?? .null, field: field)
            }
            output.append(values)
        }
        return output
    }

    static func value(_ cell: BigQueryJSON, field: TableSchema.Field) throws(WarehouseError) -> WarehouseValue {
        if cell == .null { return .null }
        if field.mode == .repeated || field.type == .record { return .json(try nested(cell, field: field).text) }
        guard let text = cell.string else { throw mismatch(field) }
        switch field.type {
        case .string: return .string(text)
        case .int64:
            guard let number = Int64(text) else { throw mismatch(field) }
            return .int(number)
        case .float64, .numeric:
            guard let number = Double(text) else { throw mismatch(field) }
            return .double(number)
        case .bool: return .bool(text.lowercased() == "true")
        case .timestamp:
            guard let date = BigQueryTimestamp.parseCell(text) else { throw mismatch(field) }
            return .timestamp(date)
        case .date: return .date(text)
        case .bytes:
            guard let data = Data(base64Encoded: text) else { throw mismatch(field) }
            return .bytes([UInt8](data))
        case .json: return .json(text)
        case .record: throw mismatch(field)
        }
    }

    /// A RECORD or REPEATED cell as plain JSON: numbers stay numbers (their exact text), timestamps become
    /// RFC 3339 strings, bytes stay base64, JSON columns are embedded as JSON.
    static func nested(_ cell: BigQueryJSON, field: TableSchema.Field) throws(WarehouseError) -> BigQueryJSON {
        if cell == .null { return .null }
        if field.mode == .repeated {
            guard let items = cell.array else { throw mismatch(field) }
            var element = field
            element.mode = .nullable
            var values: [BigQueryJSON] = []
            for item in items { values.append(try nested(item["v"] ?? .null, field: element)) }
            return .array(values)
        }
        if field.type == .record {
            guard let cells = cell["f"]?.array, let subfields = field.fields, cells.count == subfields.count else {
                throw mismatch(field)
            }
            var members: [String: BigQueryJSON] = [:]
            for (subfield, sub) in zip(subfields, cells) {
                members[subfield.name] = try nested(sub["v"] ?? .null, field: subfield)
            }
            return .object(members)
        }
        guard let text = cell.string else { throw mismatch(field) }
        switch field.type {
        case .int64, .float64, .numeric: return Double(text)?.isFinite == true ? .number(text) : .string(text)
        case .bool: return .bool(text.lowercased() == "true")
        case .timestamp:
            guard let date = BigQueryTimestamp.parseCell(text) else { throw mismatch(field) }
            return .string(BigQueryTimestamp.format(date))
        case .json: return BigQueryJSON.parse(text) ?? .string(text)
        default: return .string(text)
        }
    }

    private static func mismatch(_ field: TableSchema.Field) -> WarehouseError {
        .io("BigQuery cell of \(field.name) is not a \(field.type.rawValue)")
    }
}
