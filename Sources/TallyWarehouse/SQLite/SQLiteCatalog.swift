import Foundation

/// A dataset's bookkeeping, kept in its own file so it travels and disappears with the data: the
/// `__tally_dataset` table holds labels and each table's declared schema (as JSON), keyed by kind and name.
/// Schema keys are lowercased table names, as SQLite's table names are case-insensitive. Caller SQL cannot
/// read or write this table (the connection's authorizer refuses `__` tables).
struct SQLiteCatalog {
    static let table = "__tally_dataset"
    let connection: SQLiteConnection

    private var dataset: String { connection.dataset }
    private var quotedTable: String { "\"\(dataset)\".\(Self.table)" }

    func create() throws(WarehouseError) {
        try connection.run(
            """
            CREATE TABLE IF NOT EXISTS \(quotedTable) (kind TEXT NOT NULL, name TEXT NOT NULL, \
            value TEXT NOT NULL, PRIMARY KEY (kind, name)) WITHOUT ROWID
            """)
    }

    func labels() throws(WarehouseError) -> [String: String] {
        let select = try connection.prepare("SELECT name, value FROM \(quotedTable) WHERE kind = 'label'")
        var labels: [String: String] = [:]
        while try select.step() {
            if let key = select.value(at: 0, as: nil).stringValue {
                labels[key] = select.value(at: 1, as: nil).stringValue
            }
        }
        return labels
    }

    func mergeLabels(_ labels: [String: String]) throws(WarehouseError) {
        for (key, value) in labels { try put(kind: "label", name: key, value: value) }
    }

    func tableExists(_ name: String) throws(WarehouseError) -> Bool {
        let select = try connection.prepare(
            "SELECT 1 FROM \"\(dataset)\".sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE")
        try select.bind(.string(name), at: 1)
        return try select.step()
    }

    func hasRows(_ table: TableRef) throws(WarehouseError) -> Bool {
        let select = try connection.prepare("SELECT EXISTS (SELECT 1 FROM \(SQLiteTypeMapping.quoted(table)))")
        return try select.step() && select.value(at: 0, as: nil) == .int(1)
    }

    /// User-visible tables and views, sorted.
    func tableNames() throws(WarehouseError) -> [String] {
        let select = try connection.prepare(
            """
            SELECT name FROM "\(dataset)".sqlite_master WHERE type IN ('table', 'view') \
            AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name
            """)
        var names: [String] = []
        while try select.step() { names.append(select.value(at: 0, as: nil).stringValue ?? "") }
        return names
    }

    /// The declared schema when one was stored and still matches the table's columns; otherwise one derived
    /// from the columns' declared types (tables created by SQL). Nil when the table does not exist.
    func schema(of table: String) throws(WarehouseError) -> TableSchema? {
        let columns = try connection.prepare(
            "SELECT name, type, \"notnull\" FROM pragma_table_info(?1, ?2) ORDER BY cid")
        try columns.bind(.string(table), at: 1)
        try columns.bind(.string(dataset), at: 2)
        var derived: [TableSchema.Field] = []
        while try columns.step() {
            let name = columns.value(at: 0, as: nil).stringValue ?? ""
            let type = SQLiteTypeMapping.fieldType(declared: columns.value(at: 1, as: nil).stringValue) ?? .string
            let mode: FieldMode = columns.value(at: 2, as: nil) == .int(1) ? .required : .nullable
            derived.append(TableSchema.Field(name: name, type: type, mode: mode))
        }
        guard !derived.isEmpty else { return nil }
        if let json = try get(kind: "schema", name: table.lowercased()),
            let stored = try? JSONDecoder().decode(TableSchema.self, from: Data(json.utf8)),
            stored.fields.map({ $0.name.lowercased() }) == derived.map({ $0.name.lowercased() })
        {
            return stored
        }
        return TableSchema(fields: derived)
    }

    func storeSchema(_ schema: TableSchema, for table: String) throws(WarehouseError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let json = try? encoder.encode(schema) else { throw .invalidValue("schema of \(table)") }
        try put(kind: "schema", name: table.lowercased(), value: String(decoding: json, as: UTF8.self))
    }

    func removeSchema(for table: String) throws(WarehouseError) {
        let delete = try connection.prepare("DELETE FROM \(quotedTable) WHERE kind = 'schema' AND name = ?1")
        try delete.bind(.string(table.lowercased()), at: 1)
        _ = try delete.step()
    }

    /// Moves `from`'s stored schema to `to`, replacing any `to` had.
    func renameSchema(from: String, to: String) throws(WarehouseError) {
        try removeSchema(for: to)
        let update = try connection.prepare(
            "UPDATE \(quotedTable) SET name = ?2 WHERE kind = 'schema' AND name = ?1")
        try update.bind(.string(from.lowercased()), at: 1)
        try update.bind(.string(to.lowercased()), at: 2)
        _ = try update.step()
    }

    private func get(kind: String, name: String) throws(WarehouseError) -> String? {
        let select = try connection.prepare("SELECT value FROM \(quotedTable) WHERE kind = ?1 AND name = ?2")
        try select.bind(.string(kind), at: 1)
        try select.bind(.string(name), at: 2)
        return try select.step() ? select.value(at: 0, as: nil).stringValue : nil
    }

    private func put(kind: String, name: String, value: String) throws(WarehouseError) {
        let upsert = try connection.prepare(
            "INSERT OR REPLACE INTO \(quotedTable) (kind, name, value) VALUES (?1, ?2, ?3)")
        try upsert.bind(.string(kind), at: 1)
        try upsert.bind(.string(name), at: 2)
        try upsert.bind(.string(value), at: 3)
        _ = try upsert.step()
    }
}
