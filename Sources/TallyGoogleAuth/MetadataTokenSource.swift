import TallyHTTPClient

/// Access tokens of the attached service account from the GCE/GKE/Cloud Run metadata server.
///
/// Every call fetches; wrap it in `CachedTokenSource`. The server refuses requests without `Metadata-Flavor: Google`
/// and sets the same header on its answers, which is checked so that something else listening on the address (a
/// captive portal, a proxy error page) cannot hand out tokens.
public struct MetadataTokenSource: TokenSource, CustomStringConvertible {
    public static let defaultHost = "metadata.google.internal"
    static let tokenPath = "/computeMetadata/v1/instance/service-accounts/default/token"

    /// `host[:port]` without a scheme, as in `GCE_METADATA_HOST`.
    public let host: String
    /// Asked for via `?scopes=`; empty means the scopes granted to the instance.
    public let scopes: [String]
    private let client: HTTPClient
    private let retry: RetryPolicy

    /// `host` is `GCE_METADATA_HOST`'s format: `host:port`, no scheme, no path.
    public init(
        host: String = MetadataTokenSource.defaultHost,
        scopes: [String] = [],
        client: HTTPClient,
        retry: RetryPolicy = RetryPolicy()
    ) throws(GoogleAuthError) {
        guard !host.isEmpty, !host.contains(where: { "/?#@ \t\r\n".contains($0) }) else {
            throw .invalidCredentials("metadata host must be host[:port] without scheme or path")
        }
        guard scopes.allSatisfy({ !$0.isEmpty && !$0.contains(where: { ", &#".contains($0) }) }) else {
            throw .invalidCredentials("metadata scopes must be non-empty URLs without commas or spaces")
        }
        self.host = host
        self.scopes = scopes
        self.client = client
        self.retry = retry
    }

    /// Plain HTTP by design: the metadata server is link-local and has no certificate.
    var tokenURL: String {
        "http://\(host)\(Self.tokenPath)" + (scopes.isEmpty ? "" : "?scopes=" + scopes.joined(separator: ","))
    }

    public func token() throws(GoogleAuthError) -> AccessToken {
        let request = HTTPClientRequest(url: tokenURL, headers: [("Metadata-Flavor", "Google")])
        let requestedAt = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            response = try client.execute(request, retry: retry, idempotent: true)
        } catch {
            throw .unavailable("metadata server unreachable: \(error)")
        }
        guard response.header("Metadata-Flavor") == "Google" else {
            throw .unavailable("the answer from \(host) lacks Metadata-Flavor: Google; it is not a metadata server")
        }
        return try TokenResponse.accessToken(from: response, requestedAt: requestedAt, service: "metadata server")
    }

    /// Nothing is cached here, so there is nothing to forget.
    public func invalidate(_ token: AccessToken) {}

    public var description: String {
        "MetadataTokenSource(\(host))"
    }
}
