extension SQLiteWarehouse {
    public func query(
        _ sql: String, parameters: [String: WarehouseValue], in dataset: String, options: JobOptions
    ) throws(WarehouseError) -> QueryResult {
        try withConnection(dataset) { connection throws(WarehouseError) in
            let statement = try connection.prepare(sql, untrusted: true)
            guard statement.isReadOnly else { throw .invalidQuery("query must be read-only; use execute to write") }
            try statement.bind(parameters)
            let columns = statement.columnNames
            try Self.requireDistinct(columns)
            let types = statement.declaredTypes.map(SQLiteTypeMapping.fieldType(declared:))
            var rows: [Row] = []
            while try statement.step() {
                var row = Row(minimumCapacity: columns.count)
                for (index, column) in columns.enumerated() {
                    row[column] = statement.value(at: Int32(index), as: types[index])
                }
                rows.append(row)
            }
            return QueryResult(columns: columns, rows: rows)
        }
    }

    /// Runs `INSERT INTO destination (query's columns) <query>` in one transaction, so APPEND matches columns
    /// by name. A missing destination is created with the query's schema (see `QueryColumns`). TRUNCATE fills
    /// a new table and then swaps it in, so a query may read the table it replaces.
    public func queryToTable(
        _ sql: String, parameters: [String: WarehouseValue], destination: TableRef,
        disposition: WriteDisposition, options: JobOptions
    ) throws(WarehouseError) -> Int {
        try Self.validate(table: destination)
        return try withWriteTransaction(destination.dataset) { connection throws(WarehouseError) in
            let catalog = SQLiteCatalog(connection: connection)
            let select = try connection.prepare(sql, untrusted: true)
            guard select.isReadOnly else { throw .invalidQuery("queryToTable needs a read-only query") }
            let columns = select.columnNames
            for column in columns where !Identifier.isValid(column) {
                throw .invalidQuery("result column \(column) is not a valid column name; give it an alias")
            }
            try Self.requireDistinct(columns)
            let exists = try catalog.tableExists(destination.table)
            if disposition == .empty, exists, try catalog.hasRows(destination) {
                throw .tableNotEmpty(destination.description)
            }
            if disposition == .truncate || !exists {
                let result = try QueryColumns(select, catalog: catalog)
                let target = disposition == .truncate ? try Self.scratchTable(in: destination.dataset) : destination
                try connection.run(SQLiteTypeMapping.createTable(target, columns: result.definitions))
                let written = try Self.insert(sql, parameters, into: target, columns: columns, on: connection)
                try catalog.storeSchema(result.schema(of: target, on: connection), for: target.table)
                if target != destination { try Self.replace(destination, with: target, on: connection) }
                return written
            }
            let existing = Set(try catalog.schema(of: destination.table)?.fields.map { $0.name.lowercased() } ?? [])
            for column in columns where !existing.contains(column.lowercased()) {
                throw .invalidQuery("\(destination) has no column \(column)")
            }
            return try Self.insert(sql, parameters, into: destination, columns: columns, on: connection)
        }
    }

    public func execute(
        _ statements: [SQLStatement], in dataset: String, options: JobOptions
    ) throws(WarehouseError) -> [Int] {
        try withWriteTransaction(dataset) { connection throws(WarehouseError) in
            var counts: [Int] = []
            for (index, statement) in statements.enumerated() {
                counts.append(try Self.run(statement, index: index, on: connection))
            }
            return counts
        }
    }

    public func promote(
        _ swaps: [TableSwap], condition: SQLStatement?, in dataset: String, options: JobOptions
    ) throws(WarehouseError) {
        for swap in swaps {
            try Self.validate(table: swap.staging)
            try Self.validate(table: swap.destination)
            guard swap.staging.dataset == dataset, swap.destination.dataset == dataset,
                swap.staging.table.lowercased() != swap.destination.table.lowercased()
            else { throw .invalidQuery("promote swaps two different tables of dataset \(dataset)") }
        }
        try withWriteTransaction(dataset) { connection throws(WarehouseError) in
            if let condition { _ = try Self.run(condition, index: 0, on: connection) }
            let catalog = SQLiteCatalog(connection: connection)
            for swap in swaps {
                guard try catalog.tableExists(swap.staging.table) else {
                    throw .tableNotFound(swap.staging.description)
                }
                try Self.replace(swap.destination, with: swap.staging, on: connection)
            }
        }
    }

    /// Runs caller DML; its row count (0 for statements that change no rows, such as DDL) must match
    /// `expectedRows` when set.
    private static func run(
        _ statement: SQLStatement, index: Int, on connection: SQLiteConnection
    ) throws(WarehouseError) -> Int {
        let prepared = try connection.prepare(statement.sql, untrusted: true)
        try prepared.bind(statement.parameters)
        let before = connection.totalChanges
        while try prepared.step() {}
        let count = connection.totalChanges == before ? 0 : connection.changes
        if let expected = statement.expectedRows, expected != count { throw .conditionFailed(statementIndex: index) }
        return count
    }

    private static func insert(
        _ sql: String, _ parameters: [String: WarehouseValue], into table: TableRef, columns: [String],
        on connection: SQLiteConnection
    ) throws(WarehouseError) -> Int {
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let insert = try connection.prepare(
            "INSERT INTO \(SQLiteTypeMapping.quoted(table)) (\(names))\n\(sql)", untrusted: true)
        try insert.bind(parameters)
        while try insert.step() {}
        return connection.changes
    }

    /// Drops `destination` and renames `staging` to it, schema included. Callers hold the transaction.
    private static func replace(
        _ destination: TableRef, with staging: TableRef, on connection: SQLiteConnection
    ) throws(WarehouseError) {
        try connection.run("DROP TABLE IF EXISTS \(SQLiteTypeMapping.quoted(destination))")
        try connection.run("ALTER TABLE \(SQLiteTypeMapping.quoted(staging)) RENAME TO \"\(destination.table)\"")
        try SQLiteCatalog(connection: connection).renameSchema(from: staging.table, to: destination.table)
    }

    private static func scratchTable(in dataset: String) throws(WarehouseError) -> TableRef {
        try TableRef(dataset: dataset, table: "_tally_replacing_\(UInt64.random(in: 0...UInt64.max))")
    }

    static func requireDistinct(_ columns: [String]) throws(WarehouseError) {
        var seen = Set<String>()
        for column in columns where !seen.insert(column.lowercased()).inserted {
            throw .invalidQuery("duplicate result column \(column)")
        }
    }
}
