import Foundation
import TallyGoogleAuth
import TallyHTTPClient
import Testing

/// The JWT bearer grant against the double's token endpoint, with the assertion checked claim by claim.
@Suite struct ServiceAccountTokenSourceTests {
    static let scopes = ["https://www.googleapis.com/auth/cloudkms", "https://www.googleapis.com/auth/bigquery"]

    @Test func grantYieldsAToken() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let account = try TestServiceAccount(tokenURI: double.url("/token"))
        defer { account.remove() }
        let source = try ServiceAccountTokenSource(
            credentials: try account.credentials(), scopes: Self.scopes, client: double.client)
        let before = ContinuousClock.now
        let token = try source.token()
        #expect(token.value.hasPrefix("ya29.fake-"))
        // The double grants 3599 s.
        #expect(token.expiresAt >= before + .seconds(3598) && token.expiresAt <= .now + .seconds(3599))
    }

    @Test func assertionCarriesTheRightHeaderAndClaims() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let account = try TestServiceAccount(tokenURI: double.url("/token"))
        defer { account.remove() }
        let source = try ServiceAccountTokenSource(
            credentials: try account.credentials(), scopes: Self.scopes, client: double.client)
        let now = Int(Date.now.timeIntervalSince1970)
        _ = try source.token()

        let request = try #require(try double.requests(endingWith: "/token").first)
        #expect(request.method == "POST")
        #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        let form = try #require(URLComponents(string: "?" + request.body)?.queryItems)
        #expect(form.map(\.name) == ["grant_type", "assertion"])
        #expect(form[0].value == "urn:ietf:params:oauth:grant-type:jwt-bearer")
        let assertion = try #require(form[1].value)
        let segments = assertion.split(separator: ".", omittingEmptySubsequences: false)
        try #require(segments.count == 3)
        #expect(segments.allSatisfy { !$0.contains("=") })

        let header = try Self.json(segments[0])
        #expect(header.count == 3)
        #expect(header["alg"] as? String == "RS256")
        #expect(header["typ"] as? String == "JWT")
        #expect(header["kid"] as? String == TestServiceAccount.privateKeyID)

        let claims = try Self.json(segments[1])
        #expect(Set(claims.keys) == ["iss", "scope", "aud", "iat", "exp"])
        #expect(claims["iss"] as? String == TestServiceAccount.clientEmail)
        #expect(claims["scope"] as? String == Self.scopes.joined(separator: " "))
        #expect(claims["aud"] as? String == double.url("/token"))
        let iat = try #require(claims["iat"] as? Int)
        #expect(abs(iat - now) <= 5)
        #expect(claims["exp"] as? Int == iat + 3600)

        let signature = try #require(base64URLDecode(segments[2]))
        #expect(signature.count == 256)
        #expect(try account.verifySignature(signature, over: Array("\(segments[0]).\(segments[1])".utf8)))
    }

    @Test func refusedGrantIsRefusedWithGooglesReason() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let account = try TestServiceAccount(tokenURI: double.url("/token"))
        defer { account.remove() }
        // An hour-old assertion: the double, like Google, refuses it as clock skew.
        let source = try ServiceAccountTokenSource(
            credentials: try account.credentials(), scopes: Self.scopes, client: double.client,
            unixTime: { Int64(Date.now.timeIntervalSince1970) - 3600 })
        let error = try #require(throws: GoogleAuthError.self) { try source.token() }
        guard case .refused(let reason) = error else {
            Issue.record("expected .refused, got \(error)")
            return
        }
        #expect(reason.contains("HTTP 400") && reason.contains("invalid_grant"))
    }

    @Test func unavailableTokenEndpoint() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let account = try TestServiceAccount(tokenURI: double.url("/token"))
        defer { account.remove() }
        let source = try ServiceAccountTokenSource(
            credentials: try account.credentials(), scopes: Self.scopes, client: double.client, retry: fastRetry)

        try double.control(#"{"fail_next_token": [503]}"#)
        #expect(try source.token().value.hasPrefix("ya29."), "one 503 is retried")
        try double.control(#"{"fail_next_token": [503, 503, 503]}"#)
        let error = try #require(throws: GoogleAuthError.self) { try source.token() }
        #expect(error == .unavailable("token endpoint answered HTTP 503"))
        #expect(try double.requests(endingWith: "/token").count == 5)

        let closed = try TestServiceAccount(tokenURI: "http://127.0.0.1:1/token")
        defer { closed.remove() }
        let unreachable = try ServiceAccountTokenSource(
            credentials: try closed.credentials(), scopes: Self.scopes, client: double.client, retry: fastRetry)
        #expect {
            try unreachable.token()
        } throws: { error in
            guard case .unavailable(let reason) = error as? GoogleAuthError else { return false }
            return reason.contains("unreachable")
        }
    }

    private static func json(_ segment: Substring) throws -> [String: Any] {
        let bytes = try #require(base64URLDecode(segment))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }
}
