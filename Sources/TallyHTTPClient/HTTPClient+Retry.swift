#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension HTTPClient {
    /// Sends `request`, retrying transient failures (timeouts, connection errors, 429 and 5xx) per `policy`.
    ///
    /// Retries happen only when the caller declares the request `idempotent`: a POST that timed out may already
    /// have taken effect, so repeating it could charge or write twice. After the last attempt a retryable status
    /// is returned as a response and a transient error is thrown. `sleep` is injected so tests need not wait.
    public func execute(
        _ request: HTTPClientRequest,
        retry policy: RetryPolicy,
        idempotent: Bool,
        sleep: (Duration) -> Void = HTTPClient.sleep
    ) throws(HTTPClientError) -> HTTPClientResponse {
        var attempt = 1
        while true {
            let mayRetry = idempotent && attempt < policy.maxAttempts
            do throws(HTTPClientError) {
                let response = try execute(request)
                guard mayRetry, policy.shouldRetry(status: response.status) else { return response }
                sleep(policy.delay(forAttempt: attempt, retryAfter: response.header("Retry-After")))
            } catch {
                guard mayRetry, policy.shouldRetry(error: error) else { throw error }
                sleep(policy.delay(forAttempt: attempt))
            }
            attempt += 1
        }
    }

    /// Blocks the calling thread for `duration`. Resumes after `EINTR`, which libfcgi's handlers (installed
    /// without `SA_RESTART`) can cause, so the full delay is always slept.
    public static func sleep(_ duration: Duration) {
        let nanoseconds = duration.clampedNanoseconds
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1, errno == EINTR {
            request = remaining
        }
    }
}
