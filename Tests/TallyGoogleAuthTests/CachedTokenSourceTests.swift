import TallyGoogleAuth
import TallyHTTPClient
import Testing

/// Caching, early refresh and single-flight fetching, against the double and against a slow fake.
@Suite struct CachedTokenSourceTests {
    @Test func oneFetchServesManyCalls() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let tokens = try metadataTokens(double)
        let tokenValues = try (0..<25).map { _ in try tokens.token().value }
        #expect(Set(tokenValues).count == 1)
        #expect(try double.requests(endingWith: "/token").count == 1)
    }

    @Test func refreshesBeforeExpiry() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let clock = TestClock()
        let tokens = try metadataTokens(double, clock: clock)
        let first = try tokens.token()
        clock.advance(by: .seconds(3599 - 301))
        #expect(try tokens.token() == first, "more than the 5-minute margin left")
        clock.advance(by: .seconds(2))
        let second = try tokens.token()
        #expect(second != first, "refreshed inside the margin, before expiry")
        #expect(try tokens.token() == second)
        #expect(try double.requests(endingWith: "/token").count == 2)
    }

    @Test func shortLivedTokensAreNotRefetchedOnEveryCall() throws {
        let clock = TestClock()
        let fake = FakeTokenSource(clock: clock, lifetime: .seconds(120))
        let tokens = CachedTokenSource(fake, refreshMargin: .seconds(300), now: { clock.now })
        _ = try tokens.token()
        clock.advance(by: .seconds(59))
        _ = try tokens.token()
        #expect(fake.fetches == 1, "the margin is capped at half the lifetime")
        clock.advance(by: .seconds(2))
        _ = try tokens.token()
        #expect(fake.fetches == 2)
    }

    @Test func concurrentCallersShareOneFetch() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let tokens = try metadataTokens(double)
        let values = onThreads(8) { _ in (try? tokens.token())?.value }
        #expect(values.allSatisfy { $0 != nil } && Set(values).count == 1)
        #expect(try double.requests(endingWith: "/token").count == 1)

        // A slow source makes the eight callers overlap for certain.
        let fake = FakeTokenSource(clock: TestClock(), delay: .milliseconds(300))
        let cached = CachedTokenSource(fake)
        let fakeValues = onThreads(8) { _ in (try? cached.token())?.value }
        #expect(fakeValues.allSatisfy { $0 == "fake-token-1" })
        #expect(fake.fetches == 1)
    }

    @Test func concurrentCallersShareOneFailure() {
        let fake = FakeTokenSource(clock: TestClock(), delay: .milliseconds(300))
        fake.fail(with: .unavailable("down"))
        let cached = CachedTokenSource(fake)
        let errors = onThreads(8) { _ -> GoogleAuthError? in
            do throws(GoogleAuthError) {
                _ = try cached.token()
                return nil
            } catch {
                return error
            }
        }
        #expect(errors.allSatisfy { $0 == .unavailable("down") })
        #expect(fake.fetches == 1, "waiters share the failure instead of queueing fetches")
        fake.fail(with: nil)
        #expect(throws: Never.self) { try cached.token() }
        #expect(fake.fetches == 2, "a later call tries again")
    }

    @Test func failedRefreshKeepsTheStillValidToken() throws {
        let clock = TestClock()
        let fake = FakeTokenSource(clock: clock)
        let tokens = CachedTokenSource(fake, now: { clock.now })
        let first = try tokens.token()
        fake.fail(with: .unavailable("down"))
        clock.advance(by: .seconds(3400))
        #expect(try tokens.token() == first)
        clock.advance(by: .seconds(200))
        #expect(throws: GoogleAuthError.unavailable("down")) { try tokens.token() }
    }

    @Test func invalidateDropsOnlyTheSameToken() throws {
        let fake = FakeTokenSource(clock: TestClock())
        let tokens = CachedTokenSource(fake)
        let first = try tokens.token()
        tokens.invalidate(AccessToken(value: "some-older-token", expiresAt: first.expiresAt))
        #expect(try tokens.token() == first)
        #expect(fake.fetches == 1)
        tokens.invalidate(first)
        #expect(try tokens.token() != first)
        #expect(fake.fetches == 2)
    }
}
