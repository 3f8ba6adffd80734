extension BigQueryWarehouse {
    /// Loads checked rows with load jobs (NDJSON multipart upload, WRITE_APPEND, CREATE_NEVER, no bad
    /// records allowed). One upload when it fits `uploadBytes`; otherwise every part goes into a scratch copy
    /// of the table and a single copy job appends the scratch table, so readers see all rows or none.
    func load(
        _ rows: [[WarehouseValue]], into table: TableRef, encoding: BigQueryRowEncoding, options: JobOptions
    ) throws(WarehouseError) {
        var parts: [[UInt8]] = [[]]
        for row in rows {
            let line = encoding.json(row).serialized
            if !parts[parts.count - 1].isEmpty, parts[parts.count - 1].count + line.count + 1 > self.options.uploadBytes
            {
                parts.append([])
            }
            parts[parts.count - 1] += line
            parts[parts.count - 1].append(0x0A)
        }
        if parts.count == 1 {
            try loadJob(parts[0], into: table, schema: nil, options: options)
            return
        }
        let scratch = try TableRef(dataset: table.dataset, table: "_" + JobID(kind: "scratch", dataset: "").base)
        defer { try? deleteTable(scratch) }
        let schema = BigQueryTypes.schemaJSON(encoding.schema)
        for part in parts { try loadJob(part, into: scratch, schema: schema, options: options) }
        let copy: BigQueryJSON = .object([
            "copy": .object([
                "sourceTable": reference(scratch), "destinationTable": reference(table),
                "writeDisposition": .string("WRITE_APPEND"), "createDisposition": .string("CREATE_NEVER"),
            ]),
            "labels": jobLabels(options, dataset: table.dataset), "jobTimeoutMs": jobTimeoutMs,
        ])
        do {
            _ = try api.runJob(
                id: JobID(kind: "copy", dataset: table.dataset).base, configuration: copy,
                timeout: self.options.jobTimeout)
        } catch {
            throw error.warehouseError(dataset: table.dataset)
        }
    }

    /// One load job; `schema` creates the (scratch) destination, else the table must exist.
    private func loadJob(
        _ data: [UInt8], into table: TableRef, schema: BigQueryJSON?, options: JobOptions
    ) throws(WarehouseError) {
        var load: [String: BigQueryJSON] = [
            "destinationTable": reference(table), "sourceFormat": .string("NEWLINE_DELIMITED_JSON"),
            "writeDisposition": .string("WRITE_APPEND"),
            "createDisposition": .string(schema == nil ? "CREATE_NEVER" : "CREATE_IF_NEEDED"),
            "ignoreUnknownValues": .bool(false), "maxBadRecords": .number(0),
        ]
        if let schema { load["schema"] = schema }
        let configuration: BigQueryJSON = .object([
            "load": .object(load), "labels": jobLabels(options, dataset: table.dataset), "jobTimeoutMs": jobTimeoutMs,
        ])
        do {
            _ = try api.runJob(
                id: JobID(kind: "load", dataset: table.dataset).base, configuration: configuration, upload: data,
                timeout: self.options.jobTimeout)
        } catch let error where error.status == 200 {
            // A failed load's message can quote the offending value ("Could not convert value … Value: x"),
            // and warehouse errors never carry row data: only the reason is kept.
            throw .invalidValue("\(table): load job rejected the rows (\(error.reason))")
        } catch {
            throw error.warehouseError(dataset: table.dataset)
        }
    }
}
