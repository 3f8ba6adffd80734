/// A query's result columns, as the schema of a table created from it.
///
/// A column that reads a table column keeps that column's declared field (type, sub-fields, REPEATED,
/// description; REQUIRED relaxes to NULLABLE, as joins may produce nulls), so copying a table keeps its
/// schema. Other columns get the type their declared type names, or, for computed columns, the storage class
/// of their first non-null value once the table is filled (all-null columns become STRING).
struct QueryColumns {
    let names: [String]
    private let fields: [TableSchema.Field?]

    init(_ statement: SQLiteConnection.Statement, catalog: SQLiteCatalog) throws(WarehouseError) {
        let names = statement.columnNames
        let declaredTypes = statement.declaredTypes
        var schemas: [String: TableSchema] = [:]
        var known: [TableSchema.Field?] = []
        for (index, origin) in statement.origins.enumerated() {
            var field: TableSchema.Field?
            if let origin {
                let key = origin.table.lowercased()
                if schemas[key] == nil { schemas[key] = try catalog.schema(of: origin.table) }
                field = schemas[key]?.fields.first { $0.name.lowercased() == origin.column.lowercased() }
            }
            if var field {
                field.name = names[index]
                if field.mode == .required { field.mode = .nullable }
                known.append(field)
            } else {
                let type = SQLiteTypeMapping.fieldType(declared: declaredTypes[index])
                known.append(type.map { TableSchema.Field(name: names[index], type: $0) })
            }
        }
        self.names = names
        fields = known
    }

    /// Column definitions; computed columns get no declared type, so SQLite stores values as they come.
    var definitions: [String] {
        zip(names, fields).map { name, field in field.map(SQLiteTypeMapping.columnDefinition) ?? "\"\(name)\"" }
    }

    /// The schema to store for `table` once it holds the query's rows.
    func schema(of table: TableRef, on connection: SQLiteConnection) throws(WarehouseError) -> TableSchema {
        var resolved: [TableSchema.Field] = []
        for (name, field) in zip(names, fields) {
            if let field {
                resolved.append(field)
            } else {
                resolved.append(TableSchema.Field(name: name, type: try valueType(of: name, in: table, on: connection)))
            }
        }
        return TableSchema(fields: resolved)
    }

    private func valueType(
        of column: String, in table: TableRef, on connection: SQLiteConnection
    ) throws(WarehouseError) -> FieldType {
        let select = try connection.prepare(
            "SELECT typeof(\"\(column)\") FROM \(SQLiteTypeMapping.quoted(table)) WHERE \"\(column)\" IS NOT NULL LIMIT 1"
        )
        return SQLiteTypeMapping.fieldType(
            storageClass: try select.step() ? select.value(at: 0, as: nil).stringValue : nil)
    }
}
