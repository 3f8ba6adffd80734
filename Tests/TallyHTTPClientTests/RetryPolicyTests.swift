import Testing

@testable import TallyHTTPClient

/// The pure backoff arithmetic, with a seeded generator where jitter matters.
struct RetryPolicyTests {
    /// SplitMix64: deterministic, so jitter assertions cannot flake.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1))

    @Test func retryableStatuses() {
        #expect(policy.shouldRetry(status: 429))
        #expect(policy.shouldRetry(status: 500))
        #expect(policy.shouldRetry(status: 503))
        #expect(policy.shouldRetry(status: 599))
        for status in [200, 204, 301, 400, 401, 403, 404, 409, 422, 600] {
            #expect(!policy.shouldRetry(status: status))
        }
    }

    @Test func retryableErrors() {
        #expect(policy.shouldRetry(error: .timeout))
        #expect(policy.shouldRetry(error: .connectionFailed("refused")))
        #expect(!policy.shouldRetry(error: .tooLarge))
        #expect(!policy.shouldRetry(error: .tls("bad certificate")))
        #expect(!policy.shouldRetry(error: .invalidRequest("bad URL")))
        #expect(!policy.shouldRetry(error: .curl(code: 43, message: "bad argument")))
    }

    @Test func fullJitterStaysUnderTheDoublingCeiling() {
        var generator = SeededGenerator(state: 42)
        for (attempt, ceiling) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000), (60, 1000), (Int.max, 1000)] {
            let delays = (0..<200).map { _ in
                policy.delay(forAttempt: attempt, retryAfter: nil, using: &generator)
            }
            #expect(delays.allSatisfy { $0 >= .zero && $0 <= .milliseconds(ceiling) })
            #expect(Set(delays).count > 100, "jitter spreads the delays")
        }
    }

    @Test func retryAfterSecondsWinsButIsCapped() {
        #expect(policy.delay(forAttempt: 1, retryAfter: "0") == .zero)
        #expect(policy.delay(forAttempt: 3, retryAfter: " 1 ") == .seconds(1))
        #expect(policy.delay(forAttempt: 1, retryAfter: "120") == .seconds(1))
        #expect(policy.delay(forAttempt: 1, retryAfter: "99999999999999999999999") == .seconds(1))
    }

    @Test(arguments: ["", "-1", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT", "٣"])
    func unusableRetryAfterFallsBackToBackoff(value: String) {
        #expect(RetryPolicy.retryAfterSeconds(value) == nil)
        #expect(policy.delay(forAttempt: 1, retryAfter: value) <= .milliseconds(100))
    }

    @Test func disabledPolicyMakesOneAttempt() {
        #expect(RetryPolicy.disabled.maxAttempts == 1)
    }
}
