/// Supplies OAuth2 access tokens for Google APIs (BigQuery, Cloud KMS).
///
/// Implementations: a service-account key (RS256 JWT bearer grant to the key's `token_uri`) and the
/// metadata server, both behind a cache that refreshes before expiry and is safe across threads.
public protocol TokenSource: Sendable {
    /// A valid bearer token, fetched or refreshed as needed.
    func token() throws(GoogleAuthError) -> AccessToken
    /// Forgets `token` after a 401 from an API, so the next call fetches a fresh one.
    func invalidate(_ token: AccessToken)
}

/// An OAuth2 access token and when it stops being valid.
public struct AccessToken: Sendable, Equatable, CustomStringConvertible {
    public var value: String
    public var expiresAt: ContinuousClock.Instant

    public init(value: String, expiresAt: ContinuousClock.Instant) {
        self.value = value
        self.expiresAt = expiresAt
    }

    /// Never prints the token itself.
    public var description: String { "AccessToken(…)" }
}

/// Why no token could be had. Descriptions never contain tokens, keys or assertions.
public enum GoogleAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The credentials file or settings are unusable (missing fields, bad key).
    case invalidCredentials(String)
    /// The token endpoint or metadata server refused (4xx).
    case refused(String)
    /// The token endpoint or metadata server could not be reached or failed (5xx, timeout).
    case unavailable(String)

    public var description: String {
        switch self {
        case .invalidCredentials(let reason): "invalid Google credentials: \(reason)"
        case .refused(let reason): "Google token request refused: \(reason)"
        case .unavailable(let reason): "Google token service unavailable: \(reason)"
        }
    }
}
