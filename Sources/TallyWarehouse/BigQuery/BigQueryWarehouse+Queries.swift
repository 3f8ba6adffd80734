import Foundation

extension BigQueryWarehouse {
    /// jobs.query with named parameters, then getQueryResults pages. Only a single SELECT (or WITH … SELECT)
    /// is accepted: checked lexically before sending, since BigQuery has no read-only mode.
    public func query(
        _ sql: String, parameters: [String: WarehouseValue], in dataset: String, options: JobOptions
    ) throws(WarehouseError) -> QueryResult {
        try Self.validate(dataset: dataset)
        let bound = try BoundSQL(sql, parameters)
        try Self.requireSelect(bound.sql)
        var request = bound.queryFields(defaultDataset: dataset, project: project)
        request["labels"] = jobLabels(options, dataset: dataset)
        request["requestId"] = .string(UUID().uuidString.lowercased())
        if let limit = bytesBilledLimit(options) { request["maximumBytesBilled"] = limit }
        let paging = BigQueryClient.Paging(
            pageSize: self.options.pageSize, maxRows: self.options.maxResultRows, wait: self.options.queryWait,
            timeout: self.options.jobTimeout)
        let result: BigQueryClient.QueryRows
        do {
            result = try api.query(request, paging: paging)
        } catch {
            throw error.warehouseError(dataset: dataset)
        }
        let fields = result.fields.map(BigQueryTypes.field(from:))
        return QueryResult(columns: fields.map(\.name), rows: try BigQueryCells.rows(result.rows, fields: fields))
    }

    /// A query job (jobs.insert) with `destinationTable` and the write disposition, created if needed.
    /// `WRITE_EMPTY` on a table with rows fails inside the job with `duplicate`: `.tableNotEmpty`.
    ///
    /// The count returned is the destination's `numRows` after the job (minus before it, for APPEND):
    /// BigQuery reports no output row count for a query with a destination, and getQueryResults of such a job
    /// pages the whole destination table. APPEND counts assume no concurrent writer of the same table, which
    /// holds for the staging tables runs write.
    ///
    /// Columns: BigQuery appends by position with a compatible schema; Tally's callers append the same
    /// query shape (or `SELECT *` of a table with the destination's schema), so position and name agree.
    public func queryToTable(
        _ sql: String, parameters: [String: WarehouseValue], destination: TableRef,
        disposition: WriteDisposition, options: JobOptions
    ) throws(WarehouseError) -> Int {
        try Self.validate(table: destination)
        let bound = try BoundSQL(sql, parameters)
        try Self.requireSelect(bound.sql)
        let before = disposition == .append ? try rowCount(destination) : 0
        var query = bound.queryFields(defaultDataset: destination.dataset, project: project)
        query["destinationTable"] = reference(destination)
        query["writeDisposition"] = .string(disposition.rawValue)
        query["createDisposition"] = .string("CREATE_IF_NEEDED")
        if let limit = bytesBilledLimit(options) { query["maximumBytesBilled"] = limit }
        do {
            _ = try runJob(kind: "write", dataset: destination.dataset, query: query, options: options)
        } catch let error where error.reason == "duplicate" && disposition == .empty {
            throw .tableNotEmpty(destination.description)
        } catch {
            throw error.warehouseError(dataset: destination.dataset)
        }
        return max(0, try rowCount(destination) - before)
    }

    /// A query job under a fresh `JobID`, re-run (new attempt id) when BigQuery failed it for a transient
    /// reason (`backendError`, `rateLimitExceeded`) or a lost concurrent-update race; both leave no effect.
    func runJob(
        kind: String, dataset: String, query: [String: BigQueryJSON], options: JobOptions, attempts: Int = 3
    ) throws(BigQueryError) -> BigQueryJSON {
        let id = JobID(kind: kind, dataset: dataset)
        let configuration: BigQueryJSON = .object([
            "query": .object(query), "labels": jobLabels(options, dataset: dataset), "jobTimeoutMs": jobTimeoutMs,
        ])
        var attempt = 0
        while true {
            do {
                return try api.runJob(
                    id: id.attempt(attempt), configuration: configuration, timeout: self.options.jobTimeout)
            } catch
                where error.status == 200 && (error.isRetryable || error.isConcurrentUpdate) && attempt + 1 < attempts
            {
                api.sleep(api.retry.delay(forAttempt: attempt + 1))
                attempt += 1
            }
        }
    }

    /// A single query statement only: the first keyword is SELECT or WITH (after any parentheses).
    static func requireSelect(_ sql: String) throws(WarehouseError) {
        let first = SQLScanner(sql).firstWord
        guard first == "SELECT" || first == "WITH" else {
            throw .invalidQuery("query must be a single read-only SELECT; use execute to write")
        }
    }
}
