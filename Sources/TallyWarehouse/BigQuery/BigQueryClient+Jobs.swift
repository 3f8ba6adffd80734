extension BigQueryClient {
    /// Runs a job under a caller-chosen id and waits until it is DONE; returns the finished `Job`.
    ///
    /// The id is what makes retries safe: when an earlier attempt of this insert reached BigQuery but its answer
    /// was lost, the repeat answers 409 `duplicate` and the existing job is fetched (jobs.get) and awaited, so
    /// the work runs once. A job that ran and failed is reported by BigQuery with HTTP 200 and
    /// `status.errorResult`; that is thrown here, never mistaken for success.
    func runJob(
        id: String, configuration: BigQueryJSON, upload: [UInt8]? = nil, timeout: Duration
    ) throws(BigQueryError) -> BigQueryJSON {
        let job: BigQueryJSON = .object([
            "jobReference": .object([
                "projectId": .string(project), "jobId": .string(id), "location": .string(location),
            ]),
            "configuration": configuration,
        ])
        var call = BigQueryCall.post("jobs", job, schema: "Job")
        call.upload = upload
        var current: BigQueryJSON
        do {
            current = try send(call).body
        } catch let error where error.reason == "duplicate" && error.status == 409 {
            current = try getJob(id)
        }
        return try awaitDone(current, id: id, timeout: timeout)
    }

    func getJob(_ id: String) throws(BigQueryError) -> BigQueryJSON {
        try send(.get("jobs/" + BigQueryEndpoint.escape(id), query: [("location", location)])).body
    }

    /// Polls jobs.get from 50 ms up to 1 s apart until the job is DONE. Past `timeout` the job is cancelled
    /// (best effort) and the wait fails as unavailable; `jobTimeoutMs` stops it server-side as well.
    private func awaitDone(_ job: BigQueryJSON, id: String, timeout: Duration) throws(BigQueryError) -> BigQueryJSON {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var job = job
        var interval = Duration.milliseconds(50)
        while job["status"]?["state"]?.string != "DONE" {
            guard clock.now < deadline else {
                _ = try? send(
                    BigQueryCall(
                        method: "POST", path: "jobs/\(BigQueryEndpoint.escape(id))/cancel",
                        query: [("location", location)]))
                throw BigQueryError(.transport, reason: "timeout", message: "job \(id) not done within \(timeout)")
            }
            sleep(interval)
            interval = min(interval * 2, .seconds(1))
            job = try getJob(id)
        }
        if let failure = job["status"]?["errorResult"], failure != .null {
            throw BigQueryError(job: failure)
        }
        return job
    }

    /// The child jobs of a script (one per statement BigQuery ran), following pages up to `maxPages`.
    func childJobs(of id: String, maxPages: Int = 20) throws(BigQueryError) -> [BigQueryJSON] {
        var jobs: [BigQueryJSON] = []
        var token: String?
        for _ in 0..<maxPages {
            var query = [("parentJobId", id), ("maxResults", "1000"), ("projection", "full")]
            if let token { query.append(("pageToken", token)) }
            let page = try send(.get("jobs", query: query)).body
            jobs += page["jobs"]?.array ?? []
            guard let next = page["nextPageToken"]?.string, !next.isEmpty, next != token else { return jobs }
            token = next
        }
        throw BigQueryError(.malformed, message: "more than \(maxPages) pages of child jobs for \(id)")
    }
}
