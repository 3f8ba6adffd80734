extension BigQueryWarehouse {
    /// Appends rows, all or none, after checking them against the table's schema.
    ///
    /// Not through tabledata.insertAll by default: streamed rows sit in the streaming buffer, where BigQuery
    /// refuses UPDATE and DELETE on them for about 30 minutes, and Tally updates rows right after inserting
    /// them (`step_logs` on step end, `api_keys` on revoke). So:
    /// - small batches (≤ `dmlInsertRows` rows of scalar columns) are one DML `INSERT … VALUES` job with
    ///   every value a typed parameter: atomic, immediately updatable, no daily load-job quota spent;
    /// - larger or nested batches are a load job (NDJSON upload, WRITE_APPEND): atomic and free. Beyond
    ///   `uploadBytes` the parts load into a scratch table that one copy job appends, keeping all-or-none;
    /// - `streamBulkInserts` streams large batches through insertAll instead (with an insertId per row per
    ///   call, so a retried request is de-duplicated); only for tables never updated, such as bulk loads.
    public func insertRows(_ rows: [Row], into table: TableRef, options: JobOptions) throws(WarehouseError) {
        try Self.validate(table: table)
        guard let resource = try tableResource(table) else { throw .tableNotFound(table.description) }
        let encoding = BigQueryRowEncoding(table: table, schema: BigQueryTypes.schema(from: resource["schema"]))
        let checked = try encoding.check(rows)
        guard !checked.isEmpty else { return }
        if encoding.isFlat, checked.count <= self.options.dmlInsertRows,
            checked.count * encoding.schema.fields.count <= 9_000
        {
            try insertByDML(checked, into: table, encoding: encoding, options: options)
        } else if self.options.streamBulkInserts {
            try stream(checked, into: table, encoding: encoding)
        } else {
            try load(checked, into: table, encoding: encoding, options: options)
        }
    }

    /// `INSERT INTO t (c…) VALUES (@r0_c0, …), …`: parameters typed by column, NULL as the keyword.
    private func insertByDML(
        _ rows: [[WarehouseValue]], into table: TableRef, encoding: BigQueryRowEncoding, options: JobOptions
    ) throws(WarehouseError) {
        var parameters: [BigQueryJSON] = []
        var tuples: [String] = []
        for (rowIndex, row) in rows.enumerated() {
            var values: [String] = []
            for (columnIndex, (field, value)) in zip(encoding.schema.fields, row).enumerated() {
                guard let (type, text) = BigQueryParameters.typed(value, for: field) else {
                    values.append("NULL")
                    continue
                }
                let name = "r\(rowIndex)_c\(columnIndex)"
                parameters.append(BigQueryParameters.json(name: name, type: type, value: text))
                values.append("@" + name)
            }
            tuples.append("(" + values.joined(separator: ", ") + ")")
        }
        let columns = encoding.schema.fields.map { "`\($0.name)`" }.joined(separator: ", ")
        var query: [String: BigQueryJSON] = [
            "query": .string("INSERT INTO \(quoted(table)) (\(columns)) VALUES\n" + tuples.joined(separator: ",\n")),
            "useLegacySql": .bool(false),
        ]
        if !parameters.isEmpty {
            query["parameterMode"] = .string("NAMED")
            query["queryParameters"] = .array(parameters)
        }
        do {
            _ = try runJob(kind: "insert", dataset: table.dataset, query: query, options: options)
        } catch {
            throw error.warehouseError(dataset: table.dataset)
        }
    }

    /// tabledata.insertAll; HTTP 200 with `insertErrors` is a failure (the whole request is rejected, as
    /// `skipInvalidRows` is false), reported by the first failing row's reason, never its data.
    private func stream(
        _ rows: [[WarehouseValue]], into table: TableRef, encoding: BigQueryRowEncoding
    ) throws(WarehouseError) {
        let call = JobID(kind: "stream", dataset: table.dataset)
        let body: BigQueryJSON = .object([
            "skipInvalidRows": .bool(false), "ignoreUnknownValues": .bool(false),
            "rows": .array(
                rows.enumerated().map { index, row in
                    .object(["insertId": .string(call.insertID(row: index)), "json": encoding.json(row)])
                }),
        ])
        let answer: BigQueryJSON
        do {
            answer = try api.send(.post(tablePath(table) + "/insertAll", body, schema: "TableDataInsertAllRequest"))
                .body
        } catch {
            throw error.warehouseError(dataset: table.dataset)
        }
        if let failures = answer["insertErrors"]?.array, !failures.isEmpty {
            let errors = failures.flatMap { $0["errors"]?.array ?? [] }
            let cause = errors.first { $0["reason"]?.string != "stopped" } ?? errors.first
            let column = cause?["location"]?.string.map { " at \($0)" } ?? ""
            throw .invalidValue("\(table): row rejected (\(cause?["reason"]?.string ?? "invalid"))\(column)")
        }
    }
}
