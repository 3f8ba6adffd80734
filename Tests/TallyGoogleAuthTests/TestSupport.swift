import Foundation
import Synchronization
import TallyGoogleAuth
import TallyHTTPClient

/// Retries without waiting, so fault-injection tests run fast.
let fastRetry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))

/// A clock that starts at the real time and moves only when told to.
final class TestClock: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    var now: ContinuousClock.Instant { start + offset.withLock { $0 } }

    func advance(by duration: Duration) {
        offset.withLock { $0 += duration }
    }
}

/// A token source that counts its fetches, can be slow and can fail; tokens expire by a `TestClock`.
final class FakeTokenSource: TokenSource {
    let clock: TestClock
    let lifetime: Duration
    let delay: Duration
    private let state = Mutex<(fetches: Int, failure: GoogleAuthError?)>((0, nil))

    init(clock: TestClock, lifetime: Duration = .seconds(3600), delay: Duration = .zero) {
        self.clock = clock
        self.lifetime = lifetime
        self.delay = delay
    }

    var fetches: Int { state.withLock { $0.fetches } }

    func fail(with failure: GoogleAuthError?) {
        state.withLock { $0.failure = failure }
    }

    func token() throws(GoogleAuthError) -> AccessToken {
        let (count, failure) = state.withLock { state in
            state.fetches += 1
            return (state.fetches, state.failure)
        }
        if delay > .zero { HTTPClient.sleep(delay) }
        if let failure { throw failure }
        return AccessToken(value: "fake-token-\(count)", expiresAt: clock.now + lifetime)
    }

    func invalidate(_ token: AccessToken) {}
}

/// Always the same token, which no server issued: every API call with it gets a 401.
struct BogusTokenSource: TokenSource {
    static let value = "ya29.bogus-secret-token-value"

    func token() throws(GoogleAuthError) -> AccessToken {
        AccessToken(value: Self.value, expiresAt: .now + .seconds(3600))
    }

    func invalidate(_ token: AccessToken) {}
}

/// Runs `body` on `count` separate threads at once and returns their results in thread order.
func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let results = ThreadResults<T>()
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread {
            let result = body(index)
            results.values.withLock { $0[index] = result }
            group.leave()
        }.start()
    }
    group.wait()
    return results.values.withLock { values in (0..<count).map { values[$0]! } }
}

/// Results of `onThreads`, by thread index.
final class ThreadResults<T: Sendable>: Sendable {
    let values = Mutex<[Int: T]>([:])
}

/// Decodes unpadded base64url, as in JWT segments.
func base64URLDecode(_ text: Substring) -> [UInt8]? {
    var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while standard.count % 4 != 0 { standard += "=" }
    return Data(base64Encoded: standard).map(Array.init)
}

/// A metadata-server token source aimed at `double`, cached as Tally uses it.
func metadataTokens(_ double: GoogleDouble, clock: TestClock? = nil) throws -> CachedTokenSource {
    let source = try MetadataTokenSource(host: double.hostAndPort, client: double.client, retry: fastRetry)
    guard let clock else { return CachedTokenSource(source) }
    return CachedTokenSource(source, now: { clock.now })
}
