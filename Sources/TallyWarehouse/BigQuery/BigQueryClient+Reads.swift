import Foundation

/// Reading BigQuery data Tally does not own, such as a tenant's billing export in the tenant's project, with
/// the same transport, retries and error handling as the warehouse, but none of its dataset rules: the
/// client is made for the other project (and the tenant's token source) by the caller.
extension BigQueryClient {
    /// This client for jobs in another location (a table's `location` from tables.get): jobs.query and
    /// getQueryResults must name the location of the data they read.
    public func located(in location: String) -> BigQueryClient {
        BigQueryClient(
            project: project, location: location, baseURL: baseURL, tokens: tokens, transport: transport,
            retry: retry, observer: observer, sleep: sleep)
    }

    /// tables.get: the table's resource (`schema`, `location`, `timePartitioning`, `numRows`, …).
    public func tableResource(dataset: String, table: String) throws(BigQueryError) -> BigQueryJSON {
        try send(.get("datasets/" + BigQueryEndpoint.escape(dataset) + "/tables/" + BigQueryEndpoint.escape(table)))
            .body
    }

    /// Runs `sql` (one read-only statement, standard SQL) with jobs.query and returns its result to read page
    /// by page. Values are bound as named parameters, typed by their `WarehouseValue` kind, never spliced into
    /// the text; NULL values are not bound (write `NULL` in the SQL instead). `labels` go on the job so the
    /// project's owner can attribute it. jobs.query carries a fresh `requestId`, so a retried request does
    /// not start a second job.
    public func read(
        _ sql: String, parameters: [String: WarehouseValue], labels: [String: String] = [:], paging: Paging
    ) throws(BigQueryError) -> BigQueryResultPages {
        var bound: [BigQueryJSON] = []
        for name in parameters.keys.sorted() {
            guard let (type, value) = parameters[name].flatMap(BigQueryParameters.typed) else { continue }
            bound.append(BigQueryParameters.json(name: name, type: type, value: value))
        }
        var request: [String: BigQueryJSON] = [
            "query": .string(sql), "useLegacySql": .bool(false),
            "requestId": .string(UUID().uuidString.lowercased()),
        ]
        if !bound.isEmpty {
            request["parameterMode"] = .string("NAMED")
            request["queryParameters"] = .array(bound)
        }
        var jobLabels: [String: BigQueryJSON] = [:]
        for (key, value) in labels {
            if let key = BigQueryLabels.sanitizedKey(key) {
                jobLabels[key] = .string(BigQueryLabels.sanitizedValue(value))
            }
        }
        if !jobLabels.isEmpty { request["labels"] = .object(jobLabels) }
        return try startQuery(request, paging: paging)
    }
}
