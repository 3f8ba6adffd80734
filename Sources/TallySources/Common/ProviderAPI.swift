import Foundation
import TallyHTTPClient

/// GETs JSON from a provider's admin API through the shared libcurl client.
///
/// GETs are idempotent, so 429 (honouring `Retry-After`), 5xx, timeouts and broken connections are retried
/// within `retry`. Errors name the provider, the path and what went wrong, never the key, header values, the
/// query (it may carry cursors) or the body.
public struct ProviderAPI: Sendable {
    public let provider: String
    public let baseURL: String
    let client: HTTPClient
    let retry: RetryPolicy

    /// A worker thread may wait here (no request is in flight), so retries are more patient than in a
    /// request path; `Retry-After` is honoured up to `maxDelay`.
    public static let defaultRetry = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(500), maxDelay: .seconds(20))

    /// `baseURL` must be https; plain http is accepted only for loopback (local fixtures), so an admin key is
    /// never sent in clear text over a network.
    public init(provider: String, baseURL: String, client: HTTPClient, retry: RetryPolicy = defaultRetry) {
        self.provider = provider
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.client = client
        self.retry = retry
    }

    /// Fetches `path` with `query` and decodes the body as `T`; `context` (e.g. "page 3") goes into errors.
    func get<T: Decodable>(
        _ type: T.Type, path: String, query: [(String, String)], headers: [(name: String, value: String)],
        context: String
    ) throws(SourceError) -> T {
        try checkBaseURL()
        let queryText = query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        let url = baseURL + path + (queryText.isEmpty ? "" : "?" + queryText)
        let request = HTTPClientRequest(
            url: url, headers: headers + [(name: "Accept", value: "application/json")])
        let response: HTTPClientResponse
        do {
            response = try client.execute(request, retry: retry, idempotent: true)
        } catch {
            throw .endpoint(provider, path, "request failed (\(context)): \(Self.transport(error))")
        }
        guard response.isSuccess else {
            let requestID = (response.header("request-id") ?? response.header("x-request-id")).map {
                ", request-id \($0.prefix(64))"
            }
            let hint =
                switch response.status {
                case 401: "; the admin key was rejected"
                case 403: "; the key lacks access (an organization admin key is needed)"
                default: ""
                }
            throw .endpoint(
                provider, path,
                "HTTP \(response.status) (\(context)\(requestID ?? ""))\(Self.errorCode(response.body))\(hint)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch let DecodingError.dataCorrupted(detail) where detail.codingPath.isEmpty {
            throw .endpoint(provider, path, "malformed JSON (\(context))")
        } catch let error as DecodingError {
            throw .endpoint(provider, path, "unexpected response shape (\(context)): \(Self.describe(error))")
        } catch {
            throw .endpoint(provider, path, "unreadable response (\(context))")
        }
    }

    private func checkBaseURL() throws(SourceError) {
        let lower = baseURL.lowercased()
        if lower.hasPrefix("https://") { return }
        let loopback = [
            "http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/", "http://[::1]:",
        ]
        guard loopback.contains(where: lower.hasPrefix) || lower == "http://127.0.0.1" || lower == "http://localhost"
        else {
            throw SourceError("\(provider) base URL must be https (plain http only for 127.0.0.1 or localhost)")
        }
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters, so cursors and brackets stay intact.
    static func escape(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    private static func transport(_ error: HTTPClientError) -> String {
        switch error {
        case .timeout: "timed out"
        case .connectionFailed: "connection failed"
        case .tooLarge: "response too large"
        case .tls: "TLS failure"
        case .invalidRequest(let reason): "invalid request (\(reason))"
        case .curl(let code, _): "libcurl error \(code)"
        }
    }

    /// The provider's machine-readable error code or type (OpenAI `error.code`/`error.type`, Anthropic
    /// `error.type`), never its message, which may echo part of the key.
    private static func errorCode(_ body: [UInt8]) -> String {
        struct Envelope: Decodable {
            struct Detail: Decodable {
                var code: String?
                var type: String?
            }
            var error: Detail?
        }
        guard let detail = (try? JSONDecoder().decode(Envelope.self, from: Data(body)))?.error,
            let code = detail.code ?? detail.type,
            code.utf8.count <= 64, code.utf8.allSatisfy({ $0 == 0x5F || $0 == 0x2E || (0x61...0x7A).contains($0) })
        else { return "" }
        return ": \(code)"
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ key: CodingKey? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingPrefix(".").description
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context, key)) is missing"
        case .valueNotFound(_, let context): return "\(path(context)) is null"
        case .typeMismatch(_, let context): return "\(path(context)) has the wrong type"
        case .dataCorrupted(let context): return "\(path(context)) is invalid"
        @unknown default: return "undecodable"
        }
    }
}
