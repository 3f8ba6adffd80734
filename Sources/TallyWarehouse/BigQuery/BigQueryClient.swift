import TallyGoogleAuth
import TallyHTTPClient

/// Sends BigQuery v2 REST calls for one project: bearer token, JSON in and out, Google error envelopes turned
/// into `BigQueryError`, and retries.
///
/// Retries (capped exponential backoff with full jitter, `Retry-After` honoured) happen only for 429, 5xx,
/// `rateLimitExceeded` and `backendError`, and for timeouts and broken connections. That is safe for every
/// call Tally makes, because each is idempotent by construction: jobs carry an id chosen before the first
/// attempt (a repeat answers 409 and the job is fetched, never run twice), creates treat 409 as "exists",
/// deletes treat 404 as "gone", label patches send the whole merged map, and read queries change nothing.
/// A 401 invalidates the token and is retried once. One `HTTPClient` serves every thread and keeps its
/// connections warm.
public final class BigQueryClient: Sendable {
    public typealias Transport = @Sendable (HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse
    public typealias Observer = @Sendable (BigQueryRequestRecord) -> Void

    public let project: String
    public let location: String
    public let baseURL: String
    public let retry: RetryPolicy
    let tokens: any TokenSource
    let transport: Transport
    let observer: Observer?
    let sleep: @Sendable (Duration) -> Void

    /// `transport` replaces the HTTP round trip in tests (recorded responses); `sleep` lets them skip waits.
    public init(
        project: String, location: String, baseURL: String, tokens: any TokenSource, transport: @escaping Transport,
        retry: RetryPolicy = BigQueryClient.defaultRetry, observer: Observer? = nil,
        sleep: @escaping @Sendable (Duration) -> Void = { HTTPClient.sleep($0) }
    ) {
        self.project = project
        self.location = location
        self.baseURL = BigQueryEndpoint.normalized(baseURL)
        self.tokens = tokens
        self.transport = transport
        self.retry = retry
        self.observer = observer
        self.sleep = sleep
    }

    public convenience init(
        project: String, location: String, baseURL: String, tokens: any TokenSource, http: HTTPClient,
        retry: RetryPolicy = BigQueryClient.defaultRetry, observer: Observer? = nil
    ) {
        self.init(
            project: project, location: location, baseURL: baseURL, tokens: tokens,
            transport: { request throws(HTTPClientError) in try http.execute(request) }, retry: retry,
            observer: observer)
    }

    /// Five attempts over at most ~15 s of waiting: long enough to ride out a rate limit or a backend blip.
    public static let defaultRetry = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(500), maxDelay: .seconds(8))

    /// Sends `call`, retrying transient failures; returns the parsed body (`.null` for an empty one) and
    /// whether more than one attempt was made (a create answered 409 may then be our own earlier attempt).
    func send(_ call: BigQueryCall) throws(BigQueryError) -> (body: BigQueryJSON, retried: Bool) {
        var attempt = 1
        var refreshedToken = false
        while true {
            let token: AccessToken
            do {
                token = try tokens.token()
            } catch .unavailable(let reason) {
                throw BigQueryError(.transport, reason: "authentication", message: "token service: \(reason)")
            } catch {
                // Refused or unusable credentials will not heal by retrying: not `.transport`.
                throw BigQueryError(.service(status: 401), reason: "authentication", message: error.description)
            }
            let response: HTTPClientResponse
            do {
                response = try transport(request(for: call, token: token.value))
            } catch {
                let failure = BigQueryError(.transport, message: error.description)
                guard error == .timeout || Self.isConnectionFailure(error), attempt < retry.maxAttempts else {
                    throw failure
                }
                sleep(retry.delay(forAttempt: attempt))
                attempt += 1
                continue
            }
            if response.isSuccess {
                let body = response.body.isEmpty ? BigQueryJSON.null : BigQueryJSON.parse(response.body)
                guard let body else { throw BigQueryError(.malformed, message: "\(call.method) \(call.path)") }
                return (body, attempt > 1)
            }
            if response.status == 401, !refreshedToken {
                tokens.invalidate(token)
                refreshedToken = true
                continue
            }
            let failure = BigQueryError(status: response.status, body: response.body)
            guard failure.isRetryable, attempt < retry.maxAttempts else { throw failure }
            sleep(retry.delay(forAttempt: attempt, retryAfter: response.header("Retry-After")))
            attempt += 1
        }
    }

    private func request(for call: BigQueryCall, token: String) -> HTTPClientRequest {
        var query = call.query
        query.append(("prettyPrint", "false"))
        let root = call.upload == nil ? "/bigquery/v2/projects/" : "/upload/bigquery/v2/projects/"
        let path = root + BigQueryEndpoint.escape(project) + (call.path.isEmpty ? "" : "/" + call.path)
        if call.upload != nil { query.append(("uploadType", "multipart")) }
        observer?(
            BigQueryRequestRecord(
                method: call.method, path: path, query: Dictionary(query, uniquingKeysWith: { $1 }), body: call.body,
                bodySchema: call.bodySchema))
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer \(token)"), ("Accept", "application/json"),
        ]
        var body: [UInt8]?
        if let upload = call.upload, let job = call.body {
            let multipart = MultipartUpload.make(job: job, data: upload)
            headers.append(("Content-Type", multipart.contentType))
            body = multipart.body
        } else if let json = call.body {
            headers.append(("Content-Type", "application/json"))
            body = json.serialized
        }
        return HTTPClientRequest(
            method: call.method, url: baseURL + path + "?" + BigQueryEndpoint.query(query), headers: headers,
            body: body)
    }

    private static func isConnectionFailure(_ error: HTTPClientError) -> Bool {
        if case .connectionFailed = error { return true }
        return false
    }
}
