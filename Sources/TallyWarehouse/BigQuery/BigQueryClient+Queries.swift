extension BigQueryClient {
    /// A finished query's result schema (`TableFieldSchema` objects) and rows (`{f: [{v}]}`).
    struct QueryRows {
        var fields: [BigQueryJSON]
        var rows: [BigQueryJSON]
    }

    /// Limits on reading a result, so a runaway query cannot exhaust memory or loop forever.
    public struct Paging: Sendable {
        /// `maxResults` of jobs.query and of each getQueryResults page.
        public var pageSize = 10_000
        /// `query` fails past this many rows; `BigQueryResultPages` readers bound memory by page instead.
        public var maxRows = 1_000_000
        /// jobs.query / getQueryResults `timeoutMs`; keep below the HTTP client's timeout.
        public var wait: Duration = .seconds(5)
        /// How long to keep polling an unfinished query.
        public var timeout: Duration = .seconds(600)

        public init(
            pageSize: Int = 10_000, maxRows: Int = 1_000_000, wait: Duration = .seconds(5),
            timeout: Duration = .seconds(600)
        ) {
            self.pageSize = pageSize
            self.maxRows = maxRows
            self.wait = wait
            self.timeout = timeout
        }
    }

    /// Runs a read query and reads every page into memory (bounded by `paging.maxRows`).
    func query(_ request: [String: BigQueryJSON], paging: Paging) throws(BigQueryError) -> QueryRows {
        var pages = try startQuery(request, paging: paging)
        var result = QueryRows(fields: pages.fields, rows: [])
        while let rows = try pages.next() {
            result.rows += rows
            guard result.rows.count <= paging.maxRows else {
                throw BigQueryError(
                    .service(status: 200), reason: "responseTooLarge",
                    message: "query result exceeds \(paging.maxRows) rows; write it to a table instead")
            }
        }
        return result
    }

    /// Runs a read query with jobs.query (a `QueryRequest` with named parameters) and waits for it with
    /// jobs.getQueryResults (`jobComplete: false` is polled until `paging.timeout`). The rows are then read a
    /// page at a time from the returned reader. Timestamps come back as int64 microseconds
    /// (`formatOptions.useInt64Timestamp`), never as float seconds.
    func startQuery(_ request: [String: BigQueryJSON], paging: Paging) throws(BigQueryError) -> BigQueryResultPages {
        var body = request
        body["maxResults"] = .number(paging.pageSize)
        body["timeoutMs"] = .number(Int(paging.wait.components.seconds * 1000))
        body["formatOptions"] = .object(["useInt64Timestamp": .bool(true)])
        body["location"] = .string(location)
        var page = try send(.post("queries", .object(body), schema: "QueryRequest")).body
        guard let jobID = page["jobReference"]?["jobId"]?.string else {
            throw BigQueryError(.malformed, message: "query response without a job reference")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: paging.timeout)
        while page["jobComplete"]?.bool != true {
            guard clock.now < deadline else {
                throw BigQueryError(
                    .transport, reason: "timeout", message: "query \(jobID) not done in \(paging.timeout)")
            }
            page = try results(jobID, paging: paging, pageToken: nil)
        }
        if let errors = page["errors"]?.array, !errors.isEmpty {
            // Errors beside a complete job may be warnings; the job's own status is authoritative.
            _ = try awaitFinished(jobID)
        }
        return BigQueryResultPages(client: self, jobID: jobID, paging: paging, firstPage: page)
    }

    /// jobs.getQueryResults: waits up to `paging.wait` for completion, then returns one page.
    func results(_ jobID: String, paging: Paging, pageToken: String?) throws(BigQueryError) -> BigQueryJSON {
        var query = [
            ("location", location), ("maxResults", String(paging.pageSize)),
            ("timeoutMs", String(paging.wait.components.seconds * 1000)), ("formatOptions.useInt64Timestamp", "true"),
        ]
        if let pageToken { query.append(("pageToken", pageToken)) }
        return try send(.get("queries/" + BigQueryEndpoint.escape(jobID), query: query)).body
    }

    private func awaitFinished(_ jobID: String) throws(BigQueryError) -> BigQueryJSON {
        let job = try getJob(jobID)
        if let failure = job["status"]?["errorResult"], failure != .null { throw BigQueryError(job: failure) }
        return job
    }
}
