/// A finished query's result, read one page at a time (jobs.getQueryResults with `pageToken`), so a caller
/// that processes rows as they come holds one page in memory, never the whole result.
///
/// Pull rather than callback: the caller's processing throws its own errors, the reader only `BigQueryError`.
public struct BigQueryResultPages: Sendable {
    /// The result schema (`TableFieldSchema` objects, in column order).
    public let fields: [BigQueryJSON]
    /// The query job, for messages.
    public let jobID: String
    private let client: BigQueryClient
    private let paging: BigQueryClient.Paging
    private var pending: [BigQueryJSON]?
    private var token: String?

    init(client: BigQueryClient, jobID: String, paging: BigQueryClient.Paging, firstPage: BigQueryJSON) {
        self.client = client
        self.jobID = jobID
        self.paging = paging
        fields = firstPage["schema"]?["fields"]?.array ?? []
        pending = firstPage["rows"]?.array ?? []
        token = Self.token(of: firstPage)
    }

    /// The next page's rows (`{f: [{v}]}`, possibly none), or nil once every page has been read.
    public mutating func next() throws(BigQueryError) -> [BigQueryJSON]? {
        if let rows = pending {
            pending = nil
            return rows
        }
        guard let current = token else { return nil }
        let page = try client.results(jobID, paging: paging, pageToken: current)
        token = Self.token(of: page)
        guard token != current else { throw BigQueryError(.malformed, message: "query \(jobID) repeats a page") }
        return page["rows"]?.array ?? []
    }

    private static func token(of page: BigQueryJSON) -> String? {
        guard let token = page["pageToken"]?.string, !token.isEmpty else { return nil }
        return token
    }
}
