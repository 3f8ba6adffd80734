import TallyHTTPClient

/// Why a `GoogleAPIClient` call failed. Descriptions carry no tokens, request bodies or response bodies.
public enum GoogleAPIClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No access token could be had.
    case credentials(GoogleAuthError)
    /// No complete response arrived (connection, timeout, TLS), after any retries.
    case transport(HTTPClientError)
    /// The API answered with a non-2xx status, after any retries (and one token refresh on 401).
    case api(GoogleAPIError)
    /// A 2xx answer whose body was not what the API promises.
    case malformedResponse(String)
    /// The call was not sent: its body could not be encoded.
    case invalidRequest(String)

    /// Retrying later may succeed: the service or the network had trouble, not the request.
    public var isTransient: Bool {
        switch self {
        case .credentials(let error):
            if case .unavailable = error { return true }
            return false
        case .transport(let error): return RetryPolicy().shouldRetry(error: error)
        case .api(let error): return error.isTransient
        case .malformedResponse, .invalidRequest: return false
        }
    }

    public var description: String {
        switch self {
        case .credentials(let error): "\(error)"
        case .transport(let error): "\(error)"
        case .api(let error): "\(error)"
        case .malformedResponse(let what): "malformed Google API response: \(what)"
        case .invalidRequest(let what): "invalid Google API request: \(what)"
        }
    }
}
