extension HTTPClient {
    /// Settings shared by every request of one client. Defaults fit nginx's 30 s `fastcgi_read_timeout` even with
    /// `RetryPolicy()` retries: at worst 3 attempts × 8 s + 2 waits × 2 s = 28 s.
    public struct Configuration: Sendable, Equatable {
        /// Protocol to ask for. HTTP/2 is negotiated through TLS ALPN only; plain `http` stays on HTTP/1.1.
        public enum HTTPVersion: Sendable, Equatable {
            /// HTTP/1.1 only.
            case http1
            /// HTTP/2 when the server offers it over TLS, else HTTP/1.1.
            case http2
        }

        /// Time allowed for DNS, TCP and the TLS handshake.
        public var connectTimeout: Duration
        /// Time allowed for the whole transfer, connect included; a request never blocks a worker longer.
        public var timeout: Duration
        /// PEM bundle trusted instead of the system store, for self-signed test and internal certificates.
        public var caFile: String?
        /// Turning verification off is refused for anything but loopback hosts (`127.0.0.0/8`, `::1`, `localhost`).
        public var verifyPeer: Bool
        /// Larger bodies abort the transfer with `HTTPClientError.tooLarge`, so a hostile or broken upstream
        /// cannot exhaust memory.
        public var maxResponseBytes: Int
        /// Identifies Tally to upstream APIs, which ask for it in support cases and quota reports.
        public var userAgent: String
        /// HTTP/1.1 by default: one request per connection at a time matches one thread per request.
        public var httpVersion: HTTPVersion
        /// Idle easy handles (each with its warm connections) kept for reuse; beyond this they are closed.
        public var maxIdleHandles: Int

        /// Defaults suit calls to Google and LLM APIs from a FastCGI worker.
        public init(
            connectTimeout: Duration = .seconds(5),
            timeout: Duration = .seconds(8),
            caFile: String? = nil,
            verifyPeer: Bool = true,
            maxResponseBytes: Int = 16 << 20,
            userAgent: String = "Tally",
            httpVersion: HTTPVersion = .http1,
            maxIdleHandles: Int = 16
        ) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.caFile = caFile
            self.verifyPeer = verifyPeer
            self.maxResponseBytes = maxResponseBytes
            self.userAgent = userAgent
            self.httpVersion = httpVersion
            self.maxIdleHandles = maxIdleHandles
        }
    }
}
