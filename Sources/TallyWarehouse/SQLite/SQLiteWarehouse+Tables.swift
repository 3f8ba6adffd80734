extension SQLiteWarehouse {
    public func createTable(_ table: TableRef, schema: TableSchema) throws(WarehouseError) {
        try Self.validate(table: table)
        try SQLiteTypeMapping.validate(schema)
        try withWriteTransaction(table.dataset) { connection throws(WarehouseError) in
            let catalog = SQLiteCatalog(connection: connection)
            guard try !catalog.tableExists(table.table) else { return }
            let columns = schema.fields.map(SQLiteTypeMapping.columnDefinition)
            try connection.run(SQLiteTypeMapping.createTable(table, columns: columns))
            try catalog.storeSchema(schema, for: table.table)
        }
    }

    public func tableSchema(_ table: TableRef) throws(WarehouseError) -> TableSchema? {
        try Self.validate(table: table)
        return try withConnection(table.dataset) { connection throws(WarehouseError) in
            try SQLiteCatalog(connection: connection).schema(of: table.table)
        }
    }

    public func listTables(_ dataset: String) throws(WarehouseError) -> [String] {
        try withConnection(dataset) { connection throws(WarehouseError) in
            try SQLiteCatalog(connection: connection).tableNames()
        }
    }

    public func dropTable(_ table: TableRef) throws(WarehouseError) {
        try Self.validate(table: table)
        try withWriteTransaction(table.dataset) { connection throws(WarehouseError) in
            try connection.run("DROP TABLE IF EXISTS \(SQLiteTypeMapping.quoted(table))")
            try SQLiteCatalog(connection: connection).removeSchema(for: table.table)
        }
    }

    /// Inserts in one transaction through one prepared statement, checking each value against the schema
    /// (errors name the column, not the value). A row with a column the table lacks is refused too.
    public func insertRows(_ rows: [Row], into table: TableRef, options: JobOptions) throws(WarehouseError) {
        try Self.validate(table: table)
        try withWriteTransaction(table.dataset) { connection throws(WarehouseError) in
            guard let schema = try SQLiteCatalog(connection: connection).schema(of: table.table) else {
                throw .tableNotFound(table.description)
            }
            let columns = schema.fields.map(SQLiteTypeMapping.InsertColumn.init)
            let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
            let placeholders = (1...columns.count).map { "?\($0)" }.joined(separator: ", ")
            let insert = try connection.prepare(
                "INSERT INTO \(SQLiteTypeMapping.quoted(table)) (\(names)) VALUES (\(placeholders))")
            for row in rows {
                var present = 0
                for (index, column) in columns.enumerated() {
                    let value = row[column.name]
                    if value != nil { present += 1 }
                    try insert.bind(column.storable(value ?? .null), at: Int32(index + 1))
                }
                guard present == row.count else {
                    let unknown = row.keys.filter { schema.field(named: $0) == nil }.sorted()
                    throw .invalidValue("\(table) has no column \(unknown.first ?? "")")
                }
                _ = try insert.step()
                insert.reset()
            }
        }
    }

    /// The bulk path: one prepared statement over the batch's columns, values bound by position. Required
    /// columns the batch lacks fail the whole batch before anything is written.
    public func insert(_ batch: RowBatch, into table: TableRef, options: JobOptions) throws(WarehouseError) {
        try Self.validate(table: table)
        guard !batch.isEmpty else { return }
        try withWriteTransaction(table.dataset) { connection throws(WarehouseError) in
            guard let schema = try SQLiteCatalog(connection: connection).schema(of: table.table) else {
                throw .tableNotFound(table.description)
            }
            var columns: [SQLiteTypeMapping.InsertColumn] = []
            for name in batch.columns {
                guard let field = schema.field(named: name) else {
                    throw .invalidValue("\(table) has no column \(name)")
                }
                columns.append(SQLiteTypeMapping.InsertColumn(field))
            }
            let present = Set(columns.map { $0.name.lowercased() })
            let required = schema.fields.filter { $0.mode == .required }
            if let missing = required.first(where: { !present.contains($0.name.lowercased()) }) {
                throw .invalidValue("column \(missing.name) is REQUIRED")
            }
            let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
            let placeholders = (1...columns.count).map { "?\($0)" }.joined(separator: ", ")
            let insert = try connection.prepare(
                "INSERT INTO \(SQLiteTypeMapping.quoted(table)) (\(names)) VALUES (\(placeholders))")
            try insert.insert(batch, columns: columns)
        }
    }
}
