extension BigQueryWarehouse {
    /// tables.insert; 409 (it exists) leaves the table as it is.
    public func createTable(_ table: TableRef, schema: TableSchema) throws(WarehouseError) {
        try Self.validate(table: table)
        try BigQueryTypes.validate(schema.fields)
        var body: [String: BigQueryJSON] = [
            "tableReference": reference(table), "schema": BigQueryTypes.schemaJSON(schema),
        ]
        if let description = schema.description { body["description"] = .string(description) }
        do {
            _ = try api.send(.post(datasetPath(table.dataset) + "/tables", .object(body), schema: "Table"))
        } catch let error where error.status == 409 {
            return
        } catch {
            throw error.warehouseError(dataset: table.dataset)
        }
    }

    /// The schema as BigQuery reports it (standard type names); nil when the table does not exist, while a
    /// missing dataset is `.datasetNotFound`, as in the embedded engine.
    public func tableSchema(_ table: TableRef) throws(WarehouseError) -> TableSchema? {
        try Self.validate(table: table)
        return try tableResource(table).map { BigQueryTypes.schema(from: $0["schema"]) }
    }

    /// tables.list across pages, without the warehouse's own `_tally_` tables.
    public func listTables(_ dataset: String) throws(WarehouseError) -> [String] {
        try Self.validate(dataset: dataset)
        var names: [String] = []
        var token: String?
        for _ in 0..<1_000 {
            var query = [("maxResults", "1000")]
            if let token { query.append(("pageToken", token)) }
            let page: BigQueryJSON
            do {
                page = try api.send(.get(datasetPath(dataset) + "/tables", query: query)).body
            } catch {
                throw error.warehouseError(dataset: dataset)
            }
            names += (page["tables"]?.array ?? []).compactMap { $0["tableReference"]?["tableId"]?.string }
            guard let next = page["nextPageToken"]?.string, !next.isEmpty, next != token else {
                return names.filter { !Self.isInternal($0) }.sorted()
            }
            token = next
        }
        throw .io("tables.list did not end")
    }

    /// tables.delete; a missing table is not an error, a missing dataset is.
    public func dropTable(_ table: TableRef) throws(WarehouseError) {
        try Self.validate(table: table)
        try deleteTable(table)
    }

    /// tables.delete without the name check, for the warehouse's own scratch tables too.
    func deleteTable(_ table: TableRef) throws(WarehouseError) {
        do {
            _ = try api.send(BigQueryCall(method: "DELETE", path: tablePath(table)))
        } catch let error where error.reason == "notFound" {
            try requireDataset(table.dataset, after: error)
        } catch {
            throw error.warehouseError(dataset: table.dataset)
        }
    }

    /// The Table resource (schema, numRows), or nil when the table does not exist.
    func tableResource(_ table: TableRef) throws(WarehouseError) -> BigQueryJSON? {
        do {
            return try api.send(.get(tablePath(table))).body
        } catch let error where error.reason == "notFound" {
            try requireDataset(table.dataset, after: error)
            return nil
        } catch {
            throw error.warehouseError(dataset: table.dataset)
        }
    }

    /// The table's row count (`numRows`; exact here because Tally never leaves rows in a streaming buffer
    /// unless `streamBulkInserts` is on).
    func rowCount(_ table: TableRef) throws(WarehouseError) -> Int {
        Int(try tableResource(table)?["numRows"]?.int64 ?? 0)
    }

    /// A table 404 may mean its dataset is gone: BigQuery says "Dataset", the local peer says "Table" either
    /// way, so a datasets.get settles it (only on this not-found path).
    private func requireDataset(_ dataset: String, after error: BigQueryError) throws(WarehouseError) {
        if case .datasetNotFound = error.warehouseError(dataset: dataset) { throw .datasetNotFound(dataset) }
        guard try datasetResource(dataset) != nil else { throw .datasetNotFound(dataset) }
    }
}
