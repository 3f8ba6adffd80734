/// When and how long to wait before retrying: capped exponential backoff with full jitter, so clients that failed
/// together do not retry together, and `Retry-After` honoured up to the cap. Pure; `HTTPClient` does the I/O.
public struct RetryPolicy: Sendable, Equatable {
    /// Total attempts, the first included; 1 disables retries.
    public var maxAttempts: Int
    /// Backoff ceiling for the first retry; it doubles for each further one.
    public var baseDelay: Duration
    /// No wait exceeds this, even when `Retry-After` asks for more: a worker thread is blocked meanwhile.
    public var maxDelay: Duration

    /// Defaults keep the worst case inside nginx's 30 s upstream timeout (see `HTTPClient.Configuration`).
    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(2)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// A single attempt.
    public static let disabled = RetryPolicy(maxAttempts: 1)

    /// 429 (rate limited) and 5xx are worth another try; other statuses will not change by retrying.
    public func shouldRetry(status: Int) -> Bool {
        status == 429 || (500...599).contains(status)
    }

    /// Timeouts and connection failures are transient; TLS, size and request errors are not.
    public func shouldRetry(error: HTTPClientError) -> Bool {
        switch error {
        case .timeout, .connectionFailed: true
        case .invalidRequest, .tooLarge, .tls, .curl: false
        }
    }

    /// Wait before retry number `attempt` (1 for the first retry). A `Retry-After` value in seconds wins over
    /// backoff; HTTP-date or malformed values are ignored. Either way the result is at most `maxDelay`.
    public func delay(forAttempt attempt: Int, retryAfter: String? = nil) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(forAttempt: attempt, retryAfter: retryAfter, using: &generator)
    }

    /// `delay(forAttempt:retryAfter:)` with the jitter drawn from `generator`, for deterministic tests.
    public func delay(
        forAttempt attempt: Int,
        retryAfter: String?,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let cap = maxDelay.clampedNanoseconds
        if let seconds = retryAfter.flatMap(Self.retryAfterSeconds) {
            let (requested, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
            return .nanoseconds(overflow ? cap : min(requested, cap))
        }
        let doublings = Int64(min(max(attempt, 1) - 1, 62))
        let (ceiling, overflow) = baseDelay.clampedNanoseconds.multipliedReportingOverflow(by: 1 << doublings)
        return .nanoseconds(Int64.random(in: 0...(overflow ? cap : min(ceiling, cap)), using: &generator))
    }

    /// The delay-seconds form of `Retry-After` (RFC 9110 §10.2.3): digits only, surrounding blanks allowed.
    static func retryAfterSeconds(_ value: String) -> Int64? {
        let digits = value.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            .reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(String(digits)) ?? .max
    }
}
