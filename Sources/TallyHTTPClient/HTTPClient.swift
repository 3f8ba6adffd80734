/// A blocking HTTP(S) client over libcurl, for Tally's thread-per-request workers: calls to Google and LLM APIs,
/// and integration tests against nginx.
///
/// One instance serves any number of threads. Each request borrows an easy handle no other thread is using and
/// returns it warm, so sequential calls reuse connections. Redirects are never followed: a redirect would carry
/// credential headers to another host.
public final class HTTPClient: Sendable {
    /// Fixed for the client's lifetime, so concurrent requests never see a half-changed setting.
    public let configuration: Configuration
    private let pool: CurlHandlePool

    /// Initializes libcurl process-wide on first use; create clients before starting worker threads.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        pool = CurlHandlePool(capacity: configuration.maxIdleHandles)
        try? CurlEasy.initializeLibrary()
    }

    /// Sends `request` and waits for the whole response, at most `configuration.timeout`.
    ///
    /// Any status is a response, not an error: callers decide what a 404 or 503 means. Throws only when no
    /// complete response arrived, or the request was refused before sending.
    public func execute(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse {
        try request.validate()
        let url = try RequestURL(request.url)
        guard configuration.verifyPeer || url.isLoopback else {
            throw .invalidRequest("verifyPeer may be disabled only for loopback hosts, not \(url.host)")
        }
        guard configuration.maxResponseBytes >= 0 else { throw .invalidRequest("maxResponseBytes is negative") }
        let configuration = configuration
        return try pool.withHandle { handle throws(HTTPClientError) in
            try handle.perform(request, url: url, configuration: configuration)
        }
    }

    /// Easy handles kept idle for reuse.
    var idleHandleCount: Int {
        pool.idleCount
    }
}
