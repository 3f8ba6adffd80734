/// Table schemas between Tally's `TableSchema` and BigQuery's `TableSchema` JSON.
///
/// Tally writes standard SQL type names (`INT64`, `FLOAT64`, `BOOL`, `RECORD`); BigQuery answers with the
/// legacy ones (`INTEGER`, `FLOAT`, `BOOLEAN`) or `STRUCT`, so reading accepts both. Types Tally has no
/// case for (DATETIME, TIME, GEOGRAPHY, INTERVAL, RANGE) read as STRING: their cells are text.
enum BigQueryTypes {
    static func typeName(_ type: FieldType) -> String {
        type.rawValue
    }

    static func fieldType(_ name: String) -> FieldType {
        switch name.uppercased() {
        case "INT64", "INTEGER": .int64
        case "FLOAT64", "FLOAT": .float64
        case "NUMERIC", "BIGNUMERIC", "DECIMAL", "BIGDECIMAL": .numeric
        case "BOOL", "BOOLEAN": .bool
        case "TIMESTAMP": .timestamp
        case "DATE": .date
        case "BYTES": .bytes
        case "JSON": .json
        case "RECORD", "STRUCT": .record
        default: .string
        }
    }

    /// `{"fields": [...]}` for tables.insert and load jobs.
    static func schemaJSON(_ schema: TableSchema) -> BigQueryJSON {
        .object(["fields": .array(schema.fields.map(fieldJSON))])
    }

    static func fieldJSON(_ field: TableSchema.Field) -> BigQueryJSON {
        var json: [String: BigQueryJSON] = [
            "name": .string(field.name), "type": .string(typeName(field.type)), "mode": .string(field.mode.rawValue),
        ]
        if let fields = field.fields, field.type == .record { json["fields"] = .array(fields.map(fieldJSON)) }
        if let description = field.description { json["description"] = .string(description) }
        return .object(json)
    }

    static func schema(from json: BigQueryJSON?) -> TableSchema {
        TableSchema(fields: (json?["fields"]?.array ?? []).map(field(from:)))
    }

    static func field(from json: BigQueryJSON) -> TableSchema.Field {
        let type = fieldType(json["type"]?.string ?? "STRING")
        let mode = FieldMode(rawValue: json["mode"]?.string?.uppercased() ?? "") ?? .nullable
        let subfields = json["fields"]?.array.map { $0.map(field(from:)) }
        return TableSchema.Field(
            name: json["name"]?.string ?? "", type: type, mode: mode, fields: type == .record ? subfields : nil,
            description: json["description"]?.string)
    }

    /// What BigQuery would refuse, refused first with Tally's errors: no columns, invalid or repeated names
    /// (case-insensitive, as in BigQuery), a RECORD without sub-fields.
    static func validate(_ fields: [TableSchema.Field]) throws(WarehouseError) {
        guard !fields.isEmpty else { throw .invalidValue("a table or RECORD needs at least one column") }
        var seen = Set<String>()
        for field in fields {
            guard Identifier.isValid(field.name) else { throw .invalidName(field.name) }
            guard seen.insert(field.name.lowercased()).inserted else {
                throw .invalidValue("duplicate column \(field.name)")
            }
            if field.type == .record { try validate(field.fields ?? []) }
        }
    }

    /// Same columns (names, types, sub-fields, REPEATED or not) in the same order, so `INSERT … SELECT` from one
    /// into the other keeps every value. NULLABLE vs REQUIRED does not matter: a NULL reaching a REQUIRED
    /// column fails the statement, and with it the whole transaction.
    static func sameShape(_ left: [TableSchema.Field], _ right: [TableSchema.Field]) -> Bool {
        left.count == right.count
            && zip(left, right).allSatisfy { lhs, rhs in
                lhs.name.lowercased() == rhs.name.lowercased() && lhs.type == rhs.type
                    && (lhs.mode == .repeated) == (rhs.mode == .repeated)
                    && sameShape(lhs.fields ?? [], rhs.fields ?? [])
            }
    }
}
