import Foundation

/// Rows checked against a table's schema and encoded for BigQuery: as typed DML parameters, or as the JSON
/// objects of NDJSON load data and insertAll.
///
/// The checks are the embedded warehouse's (`SQLiteTypeMapping.InsertColumn`), so a row is accepted or
/// refused alike on both engines; errors name the column, never the value.
struct BigQueryRowEncoding {
    let table: TableRef
    let schema: TableSchema

    /// Each row's values in schema order, converted to the column's type (`.int` into FLOAT64 becomes
    /// `.double`, timestamp text becomes `.timestamp`). A column the table lacks is refused.
    func check(_ rows: [Row]) throws(WarehouseError) -> [[WarehouseValue]] {
        let columns = schema.fields.map(SQLiteTypeMapping.InsertColumn.init)
        var checked: [[WarehouseValue]] = []
        checked.reserveCapacity(rows.count)
        for row in rows {
            var values: [WarehouseValue] = []
            var present = 0
            for (field, column) in zip(schema.fields, columns) {
                let value = row[field.name]
                if value != nil { present += 1 }
                let stored = try column.storable(value ?? .null)
                try Self.checkNested(stored, field: field)
                values.append(stored)
            }
            guard present == row.count else {
                let unknown = row.keys.filter { schema.field(named: $0) == nil }.sorted()
                throw .invalidValue("\(table) has no column \(unknown.first ?? "")")
            }
            checked.append(values)
        }
        return checked
    }

    /// One checked row as the JSON object NDJSON and insertAll carry: INT64 and NUMERIC as strings (exact),
    /// FLOAT64 as a number, TIMESTAMP as RFC 3339 (BigQuery refuses numbers there), BYTES base64,
    /// RECORD/REPEATED/JSON as the JSON their text holds.
    func json(_ values: [WarehouseValue]) -> BigQueryJSON {
        var members: [String: BigQueryJSON] = [:]
        for (field, value) in zip(schema.fields, values) where value != .null {
            members[field.name] = Self.json(value, field: field)
        }
        return .object(members)
    }

    static func json(_ value: WarehouseValue, field: TableSchema.Field) -> BigQueryJSON {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .string(String(number))
        case .double(let number):
            if field.type == .numeric { return .string(BigQueryParameters.decimal(number)) }
            return number.isFinite
                ? .number(BigQueryParameters.float(number)) : .string(BigQueryParameters.float(number))
        case .string(let text):
            if field.type == .json { return BigQueryJSON.parse(text) ?? .string(text) }
            return .string(text)
        case .bytes(let bytes): return .string(Data(bytes).base64EncodedString())
        case .timestamp(let date): return .string(BigQueryTimestamp.format(date))
        case .date(let day): return .string(day)
        case .json(let text): return BigQueryJSON.parse(text) ?? .string(text)
        }
    }

    /// RECORD values must be JSON objects and REPEATED ones arrays; JSON columns any JSON text.
    private static func checkNested(_ value: WarehouseValue, field: TableSchema.Field) throws(WarehouseError) {
        guard case .json(let text) = value else { return }
        let parsed = BigQueryJSON.parse(text)
        let fits: Bool
        if field.mode == .repeated {
            fits = parsed?.array != nil
        } else if field.type == .record {
            fits = parsed?.object != nil
        } else {
            fits = parsed != nil
        }
        guard fits else {
            throw .invalidValue(
                "column \(field.name) expects \(field.mode == .repeated ? "REPEATED" : field.type.rawValue)")
        }
    }

    /// True when every column can be bound as a scalar parameter (no RECORD or REPEATED column).
    var isFlat: Bool {
        schema.fields.allSatisfy { $0.type != .record && $0.mode != .repeated }
    }
}
