extension BigQueryWarehouse {
    /// Publishes staged tables together with `condition`, in one transaction where BigQuery allows it.
    ///
    /// BigQuery transactions may not run DDL on permanent tables (no CREATE OR REPLACE, DROP or rename
    /// inside), so a swap is done with DML in the condition's transaction: `TRUNCATE TABLE dest` then
    /// `INSERT INTO dest (columns) SELECT columns FROM staging`, all committed with the condition's UPDATE or
    /// none of it. That needs the destination to exist with the staging table's shape beforehand:
    /// - a missing destination is first created empty with the staging schema (a new, empty table appears
    ///   a moment early; it is dropped again if the condition fails);
    /// - a destination whose schema differs (a template changed its output) cannot be changed inside the
    ///   transaction, so after the transaction commits it is replaced by a WRITE_TRUNCATE query job. That
    ///   step alone is not atomic with the condition: if it fails, the run is already SUCCESS with the old
    ///   table, and the error is thrown. This is the one gap against the embedded engine.
    /// Staging tables are dropped after the commit (tables.delete, outside the transaction).
    public func promote(
        _ swaps: [TableSwap], condition: SQLStatement?, in dataset: String, options: JobOptions
    ) throws(WarehouseError) {
        try Self.validate(dataset: dataset)
        for swap in swaps {
            try Self.validate(table: swap.staging)
            try Self.validate(table: swap.destination)
            guard swap.staging.dataset == dataset, swap.destination.dataset == dataset,
                swap.staging.table.lowercased() != swap.destination.table.lowercased()
            else { throw .invalidQuery("promote swaps two different tables of dataset \(dataset)") }
        }
        var copies: [String] = []
        var replacements: [TableSwap] = []
        var created: [TableRef] = []
        for swap in swaps {
            guard let staged = try tableSchema(swap.staging) else { throw .tableNotFound(swap.staging.description) }
            if let current = try tableSchema(swap.destination) {
                guard BigQueryTypes.sameShape(current.fields, staged.fields) else {
                    replacements.append(swap)
                    continue
                }
            } else {
                try createTable(swap.destination, schema: staged)
                created.append(swap.destination)
            }
            let columns = staged.fields.map { "`\($0.name)`" }.joined(separator: ", ")
            copies.append("TRUNCATE TABLE \(quoted(swap.destination))")
            copies.append(
                "INSERT INTO \(quoted(swap.destination)) (\(columns)) SELECT \(columns) FROM \(quoted(swap.staging))")
        }
        if condition != nil || !copies.isEmpty {
            do {
                _ = try runTransaction(
                    condition.map { [$0] } ?? [], trailing: copies, in: dataset, lock: condition != nil,
                    options: options)
            } catch {
                for table in created { try? deleteTable(table) }
                throw error
            }
        }
        for swap in replacements {
            _ = try queryToTable(
                "SELECT * FROM \(quoted(swap.staging))", parameters: [:], destination: swap.destination,
                disposition: .truncate, options: options)
        }
        for swap in swaps { try deleteTable(swap.staging) }
    }
}
