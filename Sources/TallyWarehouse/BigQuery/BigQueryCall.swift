import Foundation

/// One REST call to BigQuery v2, described as a value so the client can retry it unchanged and tests can
/// inspect it.
struct BigQueryCall: Sendable {
    var method: String
    /// Below the API root, e.g. `datasets/t1` (the client adds `/bigquery/v2/projects/{project}/`).
    var path: String
    var query: [(String, String)] = []
    var body: BigQueryJSON?
    /// The discovery document's schema for `body` (`Dataset`, `Job`, `QueryRequest`, …), for observers.
    var bodySchema: String?
    /// NDJSON sent with a job as a multipart upload (`/upload/bigquery/v2/…?uploadType=multipart`).
    var upload: [UInt8]?

    static func get(_ path: String, query: [(String, String)] = []) -> BigQueryCall {
        BigQueryCall(method: "GET", path: path, query: query)
    }

    static func post(_ path: String, _ body: BigQueryJSON, schema: String?) -> BigQueryCall {
        BigQueryCall(method: "POST", path: path, body: body, bodySchema: schema)
    }
}

/// What the client sent, as handed to a `BigQueryClient` observer: for tests (request bodies checked against
/// the discovery document) and for metrics. Carries no headers, so never the bearer token.
public struct BigQueryRequestRecord: Sendable {
    public var method: String
    /// The path below the base URL, without the query string.
    public var path: String
    public var query: [String: String]
    /// The JSON body; for a multipart upload, its JSON part (the `Job`).
    public var body: BigQueryJSON?
    /// The discovery schema the body is an instance of.
    public var bodySchema: String?
}

/// Builds the multipart/related body of a load job upload: the `Job` as JSON, then the NDJSON rows. The
/// boundary is random per upload, so no row can contain it.
enum MultipartUpload {
    static func make(job: BigQueryJSON, data: [UInt8]) -> (contentType: String, body: [UInt8]) {
        let boundary = "tally_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var body: [UInt8] = []
        body.append(contentsOf: "--\(boundary)\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".utf8)
        body.append(contentsOf: job.serialized)
        body.append(contentsOf: "\r\n--\(boundary)\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body.append(contentsOf: data)
        body.append(contentsOf: "\r\n--\(boundary)--\r\n".utf8)
        return ("multipart/related; boundary=\(boundary)", body)
    }
}
