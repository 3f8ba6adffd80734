import TallyHTTPClient

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Authenticated calls to Google's JSON APIs (Cloud KMS, BigQuery), shared by their backends.
///
/// Adds `Authorization: Bearer`; on a 401 it drops the token, fetches a fresh one and repeats the call once (a 401
/// means the call was not executed, so this is safe for any method). 429, 5xx and transport failures are retried
/// per `retry`, but only for calls the caller declares idempotent.
public struct GoogleAPIClient: Sendable {
    public let tokens: any TokenSource
    public let http: HTTPClient
    public let retry: RetryPolicy
    private let sleep: @Sendable (Duration) -> Void

    /// `sleep` is injected so tests need not wait out back-off delays.
    public init(
        tokens: any TokenSource,
        http: HTTPClient,
        retry: RetryPolicy = RetryPolicy(),
        sleep: @escaping @Sendable (Duration) -> Void = { HTTPClient.sleep($0) }
    ) {
        self.tokens = tokens
        self.http = http
        self.retry = retry
        self.sleep = sleep
    }

    /// Sends `request` with a bearer token and returns the 2xx response; anything else throws.
    public func send(
        _ request: HTTPClientRequest,
        idempotent: Bool
    ) throws(GoogleAPIClientError) -> HTTPClientResponse {
        var token = try accessToken()
        var response = try execute(request, token: token, idempotent: idempotent)
        if response.status == 401 {
            tokens.invalidate(token)
            token = try accessToken()
            response = try execute(request, token: token, idempotent: idempotent)
        }
        guard response.isSuccess else { throw .api(GoogleAPIError(response: response)) }
        return response
    }

    /// POSTs (or `method`s) `body` as JSON and decodes the JSON answer.
    public func sendJSON<Body: Encodable, Response: Decodable>(
        method: String = "POST",
        url: String,
        body: Body,
        idempotent: Bool,
        as type: Response.Type = Response.self
    ) throws(GoogleAPIClientError) -> Response {
        let encoded: Data
        do {
            encoded = try JSONEncoder().encode(body)
        } catch {
            throw .invalidRequest("the request body could not be encoded as JSON")
        }
        let request = HTTPClientRequest(
            method: method, url: url, headers: [("Content-Type", "application/json; charset=utf-8")],
            body: Array(encoded))
        let response = try send(request, idempotent: idempotent)
        do {
            return try JSONDecoder().decode(Response.self, from: Data(response.body))
        } catch {
            throw .malformedResponse("\(url.prefix { $0 != "?" }) answered JSON that is not a \(Response.self)")
        }
    }

    private func accessToken() throws(GoogleAPIClientError) -> AccessToken {
        do {
            return try tokens.token()
        } catch {
            throw .credentials(error)
        }
    }

    private func execute(
        _ request: HTTPClientRequest,
        token: AccessToken,
        idempotent: Bool
    ) throws(GoogleAPIClientError) -> HTTPClientResponse {
        var request = request
        request.headers.removeAll { $0.name.lowercased() == "authorization" }
        request.headers.append(("Authorization", "Bearer \(token.value)"))
        if request.header("Accept") == nil { request.headers.append(("Accept", "application/json")) }
        do {
            return try http.execute(request, retry: retry, idempotent: idempotent, sleep: sleep)
        } catch {
            throw .transport(error)
        }
    }
}
