/// Why a request failed. Messages never carry request headers or bodies (they hold credentials), and any URL in
/// them has its query, fragment and user info removed.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request was refused before any I/O: bad method, URL, header or TLS settings.
    case invalidRequest(String)
    /// No connection could be made, or it broke mid-transfer; safe to retry only for idempotent requests.
    case connectionFailed(String)
    /// The connect or total timeout of `HTTPClient.Configuration` expired.
    case timeout
    /// The response body exceeded `HTTPClient.Configuration.maxResponseBytes`; the transfer was aborted.
    case tooLarge
    /// The TLS handshake or certificate verification failed; retrying will not help.
    case tls(String)
    /// Any other libcurl failure, with its `CURLcode`.
    case curl(code: Int, message: String)

    public var description: String {
        switch self {
        case .invalidRequest(let message): "invalid HTTP request: \(message)"
        case .connectionFailed(let message): "HTTP connection failed: \(message)"
        case .timeout: "HTTP request timed out"
        case .tooLarge: "HTTP response body exceeded the size limit"
        case .tls(let message): "TLS failure: \(message)"
        case .curl(let code, let message): "libcurl error \(code): \(message)"
        }
    }
}

extension HTTPClientError {
    /// Defence in depth for libcurl's own messages: replaces every occurrence of a secret (a header value, a query
    /// parameter) with `[redacted]`. Very short secrets are skipped, since replacing them would garble the message.
    static func scrub(_ message: String, secrets: [String]) -> String {
        secrets.filter { $0.utf8.count >= 4 }.reduce(message) { $0.replacing($1, with: "[redacted]") }
    }
}
