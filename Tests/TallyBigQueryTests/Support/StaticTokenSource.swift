import TallyGoogleAuth

/// A fixed bearer token: the local peer ignores authentication, and unit tests only count refreshes.
final class StaticTokenSource: TokenSource {
    private let invalidations = Locked(0)

    func token() throws(GoogleAuthError) -> AccessToken {
        AccessToken(value: "test-token", expiresAt: .now.advanced(by: .seconds(3600)))
    }

    func invalidate(_ token: AccessToken) {
        invalidations.withLock { $0 += 1 }
    }

    var invalidated: Int { invalidations.value }
}
