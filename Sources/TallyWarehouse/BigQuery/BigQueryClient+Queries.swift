extension BigQueryClient {
    /// A finished query's result schema (`TableFieldSchema` objects) and rows (`{f: [{v}]}`).
    struct QueryRows {
        var fields: [BigQueryJSON]
        var rows: [BigQueryJSON]
    }

    /// Limits on reading a result, so a runaway query cannot exhaust memory or loop forever.
    struct Paging {
        var pageSize = 10_000
        var maxRows = 1_000_000
        var wait: Duration = .seconds(5)
        var timeout: Duration = .seconds(600)
    }

    /// Runs a read query with jobs.query (a `QueryRequest` with named parameters), waits for it with
    /// jobs.getQueryResults, and reads every page. Timestamps come back as int64 microseconds
    /// (`formatOptions.useInt64Timestamp`), never as float seconds.
    func query(_ request: [String: BigQueryJSON], paging: Paging) throws(BigQueryError) -> QueryRows {
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
        var result = QueryRows(fields: page["schema"]?["fields"]?.array ?? [], rows: page["rows"]?.array ?? [])
        var token = page["pageToken"]?.string
        while let current = token, !current.isEmpty {
            guard result.rows.count <= paging.maxRows else { break }
            let next = try results(jobID, paging: paging, pageToken: current)
            result.rows += next["rows"]?.array ?? []
            token = next["pageToken"]?.string
            guard token != current else { throw BigQueryError(.malformed, message: "query \(jobID) repeats a page") }
        }
        guard result.rows.count <= paging.maxRows else {
            throw BigQueryError(
                .service(status: 200), reason: "responseTooLarge",
                message: "query result exceeds \(paging.maxRows) rows; write it to a table instead")
        }
        return result
    }

    /// jobs.getQueryResults: waits up to `paging.wait` for completion, then returns one page.
    private func results(_ jobID: String, paging: Paging, pageToken: String?) throws(BigQueryError) -> BigQueryJSON {
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
