import TallyHTTPClient

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Turns the answer of a token endpoint or the metadata server into an `AccessToken` or a `GoogleAuthError`.
///
/// Both answer `{"access_token": "…", "expires_in": 3599, "token_type": "Bearer"}`; the token endpoint refuses with
/// `{"error": "invalid_grant", "error_description": "…"}`. Errors quote only the OAuth error code and description,
/// which Google writes for humans and never fills with credentials.
enum TokenResponse {
    /// `requestedAt` is taken before sending, so the computed expiry errs on the early side.
    static func accessToken(
        from response: HTTPClientResponse,
        requestedAt: ContinuousClock.Instant,
        service: String
    ) throws(GoogleAuthError) -> AccessToken {
        guard response.isSuccess else { throw failure(response, service: service) }
        guard let body = try? JSONDecoder().decode(Success.self, from: Data(response.body)),
            let value = body.accessToken, !value.isEmpty, Self.isHeaderSafe(value),
            let lifetime = body.expiresIn, lifetime > 0
        else {
            throw .unavailable("\(service) returned a malformed token response")
        }
        // Capped at a day: a nonsense lifetime must not pin a token in the cache.
        return AccessToken(value: value, expiresAt: requestedAt + .seconds(min(lifetime, 86_400)))
    }

    /// 429 and 5xx are the service's trouble (retry later); other statuses are a refusal of these credentials.
    static func failure(_ response: HTTPClientResponse, service: String) -> GoogleAuthError {
        if response.status == 429 || response.status >= 500 {
            return .unavailable("\(service) answered HTTP \(response.status)")
        }
        var reason = "\(service) answered HTTP \(response.status)"
        if let body = try? JSONDecoder().decode(Failure.self, from: Data(response.body)), let error = body.error {
            reason += ": \(clipped(error))"
            if let detail = body.errorDescription { reason += " (\(clipped(detail)))" }
        }
        return .refused(reason)
    }

    /// At most 200 printable characters, so a hostile or broken server cannot flood the log.
    static func clipped(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(200).map(Character.init))
    }

    /// A token with CR or LF would be refused by the HTTP client as a header value; catch it here, clearly.
    private static func isHeaderSafe(_ token: String) -> Bool {
        token.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    private struct Success: Decodable {
        var accessToken: String?
        var expiresIn: Int64?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
        }

        /// Some servers send `expires_in` as a string or a float; take whole seconds either way.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            accessToken = try container.decodeIfPresent(String.self, forKey: .accessToken)
            if let seconds = try? container.decodeIfPresent(Int64.self, forKey: .expiresIn) {
                expiresIn = seconds
            } else if let seconds = try? container.decodeIfPresent(Double.self, forKey: .expiresIn) {
                expiresIn = seconds.isFinite && seconds < 1e9 ? Int64(seconds) : nil
            } else {
                expiresIn = (try? container.decodeIfPresent(String.self, forKey: .expiresIn)).flatMap { Int64($0) }
            }
        }
    }

    private struct Failure: Decodable {
        var error: String?
        var errorDescription: String?

        enum CodingKeys: String, CodingKey {
            case error
            case errorDescription = "error_description"
        }
    }
}
