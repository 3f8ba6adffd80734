import Foundation

/// How BigQuery field types live in SQLite columns.
///
/// The declared type names the BigQuery type *and* gives the right SQLite affinity (`TIMESTAMP TEXT` has TEXT
/// affinity), so a result column that reads a table column comes back typed (`.timestamp`, `.bool`) through
/// `sqlite3_column_decltype`, even in queries the warehouse did not write.
enum SQLiteTypeMapping {
    static func declaredType(of field: TableSchema.Field) -> String {
        if field.mode == .repeated { return "JSON TEXT" }
        switch field.type {
        case .string: return "TEXT"
        case .bytes: return "BLOB"
        case .int64: return "INTEGER"
        case .float64, .numeric: return "REAL"
        case .bool: return "BOOL INTEGER"
        case .timestamp: return "TIMESTAMP TEXT"
        case .date: return "DATE TEXT"
        case .json, .record: return "JSON TEXT"
        }
    }

    /// The field type a declared column type stands for; nil when unknown (read by storage class then).
    static func fieldType(declared: String?) -> FieldType? {
        guard let declared = declared?.uppercased(), !declared.isEmpty else { return nil }
        if declared.hasPrefix("BOOL") { return .bool }
        if declared.hasPrefix("TIMESTAMP") || declared.hasPrefix("DATETIME") { return .timestamp }
        if declared.hasPrefix("DATE") { return .date }
        if declared.hasPrefix("JSON") { return .json }
        if declared.contains("INT") { return .int64 }
        if declared.contains("CHAR") || declared.contains("CLOB") || declared.contains("TEXT") { return .string }
        if declared.contains("BLOB") { return .bytes }
        if declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB") { return .float64 }
        return nil
    }

    /// The field type for values SQLite reports with `typeof()`, for result columns of unknown type.
    static func fieldType(storageClass: String?) -> FieldType {
        switch storageClass {
        case "integer": .int64
        case "real": .float64
        case "blob": .bytes
        default: .string
        }
    }

    static func quoted(_ table: TableRef) -> String { "\"\(table.dataset)\".\"\(table.table)\"" }

    static func columnDefinition(_ field: TableSchema.Field) -> String {
        "\"\(field.name)\" \(declaredType(of: field))" + (field.mode == .required ? " NOT NULL" : "")
    }

    static func createTable(_ table: TableRef, columns: [String]) -> String {
        "CREATE TABLE \(quoted(table)) (\(columns.joined(separator: ", ")))"
    }

    /// Checks that a schema can become a table: valid, distinct column names and at least one column.
    static func validate(_ schema: TableSchema) throws(WarehouseError) {
        guard !schema.fields.isEmpty else { throw .invalidValue("a table needs at least one column") }
        var seen = Set<String>()
        for field in schema.fields {
            guard Identifier.isValid(field.name) else { throw .invalidName(field.name) }
            guard seen.insert(field.name.lowercased()).inserted else {
                throw .invalidValue("duplicate column \(field.name)")
            }
        }
    }

    /// A column being inserted into: converts values to what is stored, refusing those that do not fit.
    struct InsertColumn {
        let name: String
        private let type: FieldType
        private let mode: FieldMode

        init(_ field: TableSchema.Field) {
            name = field.name
            type = field.mode == .repeated ? .json : field.type
            mode = field.mode
        }

        /// A bit per `RowBatch.Cell.Kind` (by raw value) that a batch cell of that kind is bound as it is, with no
        /// converted copy: the common case of a bulk load. Date cells also have their text checked.
        var directKinds: UInt16 {
            var kinds: [RowBatch.Cell.Kind] = mode == .required ? [] : [.null]
            switch type {
            case .string: kinds.append(.string)
            case .bytes: kinds.append(.bytes)
            case .int64: kinds.append(.int)
            case .float64, .numeric: kinds.append(.double)
            case .bool: kinds.append(.bool)
            case .timestamp: kinds.append(.timestamp)
            case .json: kinds += [.json, .string]
            case .record: kinds.append(.json)
            case .date: kinds.append(.date)
            }
            return kinds.reduce(0) { $0 | 1 << $1.rawValue }
        }

        /// The value to bind; errors name the column, never the value.
        func storable(_ value: WarehouseValue) throws(WarehouseError) -> WarehouseValue {
            switch (type, value) {
            case (_, .null):
                guard mode != .required else { throw .invalidValue("column \(name) is REQUIRED") }
                return value
            case (.string, .string), (.bytes, .bytes), (.int64, .int), (.float64, .double), (.numeric, .double),
                (.bool, .bool), (.timestamp, .timestamp), (.json, .json), (.record, .json), (.json, .string):
                return value
            case (.float64, .int(let number)), (.numeric, .int(let number)):
                return .double(Double(number))
            case (.int64, .double(let number)):
                if let exact = Int64(exactly: number) { return .int(exact) }
            case (.bool, .int(let number)):
                if number == 0 || number == 1 { return .bool(number == 1) }
            case (.timestamp, .string(let text)):
                if let date = TimestampText.parse(Array(text.utf8)) { return .timestamp(date) }
            case (.date, .date(let text)), (.date, .string(let text)):
                if Self.isDate(text) { return .date(text) }
            default:
                break
            }
            throw .invalidValue("column \(name) expects \(mode == .repeated ? "REPEATED" : type.rawValue)")
        }

        private static func isDate(_ text: String) -> Bool {
            CivilDate.isDate(text)
        }
    }
}
