import Synchronization

/// Caches another source's token and refreshes it shortly before it expires, one fetch at a time.
///
/// Worker threads block on token fetches, so: callers holding a fresh token never wait; when a refresh is due, only
/// one thread fetches while callers that may still use the old token keep doing so; callers with no usable token
/// wait for that single fetch and share its outcome, failure included, rather than queueing fetches of their own
/// against an endpoint that just failed.
public final class CachedTokenSource: TokenSource, CustomStringConvertible {
    public let source: any TokenSource
    /// How long before expiry a token is refreshed; at most half the token's lifetime, so a short-lived token
    /// (the metadata server's can be) is not refetched on every call.
    public let refreshMargin: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())
    /// Held for the duration of a fetch; never while `state` is held.
    private let fetching = Mutex(())

    private struct State {
        var cached: Entry?
        /// Counts finished fetches, so a waiter can tell that a fetch completed while it waited.
        var fetches: UInt64 = 0
        var lastFailure: GoogleAuthError?
    }

    private struct Entry {
        var token: AccessToken
        var refreshAt: ContinuousClock.Instant
    }

    /// `now` is injected so tests can move time forward; it must agree with the clock the source's expiries use.
    public init(
        _ source: any TokenSource,
        refreshMargin: Duration = .seconds(300),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.source = source
        self.refreshMargin = refreshMargin
        self.now = now
    }

    public func token() throws(GoogleAuthError) -> AccessToken {
        let (cached, seenFetches) = state.withLock { ($0.cached, $0.fetches) }
        let time = now()
        if let cached, time < cached.refreshAt { return cached.token }
        if let cached, time < cached.token.expiresAt {
            // Due for refresh but still valid: refresh unless another thread already is, and fall back to the old
            // token if the refresh fails; it is good for a few more minutes.
            let refreshed = fetching.withLockIfAvailable { _ in try? fetch(unlessNewerThan: seenFetches) }
            return (refreshed ?? nil) ?? cached.token
        }
        return try fetching.withLock { _ throws(GoogleAuthError) in try fetch(unlessNewerThan: seenFetches) }
    }

    public func invalidate(_ token: AccessToken) {
        state.withLock { state in
            if state.cached?.token == token { state.cached = nil }
        }
        source.invalidate(token)
    }

    public var description: String {
        "CachedTokenSource(\(source))"
    }

    /// Runs with `fetching` held. If a fetch finished since the caller looked (`seenFetches`), its outcome is
    /// shared instead of fetching again.
    private func fetch(unlessNewerThan seenFetches: UInt64) throws(GoogleAuthError) -> AccessToken {
        let (cached, fetches, lastFailure) = state.withLock { ($0.cached, $0.fetches, $0.lastFailure) }
        if fetches != seenFetches {
            if let cached, now() < cached.token.expiresAt { return cached.token }
            if let lastFailure { throw lastFailure }
        }
        let fetchedAt = now()
        do {
            let token = try source.token()
            let lifetime = fetchedAt.duration(to: token.expiresAt)
            let margin = max(.zero, min(refreshMargin, lifetime / 2))
            state.withLock { state in
                state.cached = Entry(token: token, refreshAt: token.expiresAt - margin)
                state.fetches &+= 1
                state.lastFailure = nil
            }
            return token
        } catch {
            state.withLock { state in
                state.fetches &+= 1
                state.lastFailure = error
            }
            throw error
        }
    }
}
