import TallyGoogleAuth
import TallyHTTPClient
import Testing

/// Bearer tokens, the single retry after a 401, retries of transient statuses, and Google's error envelope.
@Suite struct GoogleAPIClientTests {
    @Test func expiredTokenMidRunIsRefreshedOnce() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let kms = try fixture.kms()
        let aad = Array("tenant=acme".utf8)
        let ciphertext = try kms.encrypt(Array("secret".utf8), aad: aad)
        let fetchesBefore = try fixture.double.requests(endingWith: "/token").count

        try fixture.double.control(#"{"expire_tokens": true}"#)
        #expect(try kms.decrypt(ciphertext, aad: aad) == Array("secret".utf8))
        #expect(try fixture.double.requests(endingWith: "/token").count == fetchesBefore + 1)
        let decrypts = try fixture.double.requests(endingWith: ":decrypt")
        #expect(decrypts.count == 2)
        #expect(decrypts[0].headers["authorization"] != decrypts[1].headers["authorization"])
    }

    @Test func secondUnauthorizedIsReturned() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let api = GoogleAPIClient(tokens: BogusTokenSource(), http: double.client, retry: fastRetry)
        let error = try #require(throws: GoogleAPIClientError.self) {
            try api.send(HTTPClientRequest(url: double.url("/v1/projects/p/locations/l/keyRings/r")), idempotent: true)
        }
        guard case .api(let apiError) = error else {
            Issue.record("expected .api, got \(error)")
            return
        }
        #expect(apiError.code == 401 && apiError.status == "UNAUTHENTICATED")
        #expect(try double.requests().count == 2)
        #expect(!"\(error)".contains(BogusTokenSource.value))
    }

    @Test func transientStatusesAreRetriedOnlyWhenIdempotent() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let api = GoogleAPIClient(tokens: fixture.tokens, http: fixture.double.client, retry: fastRetry)
        let request = HTTPClientRequest(url: fixture.double.url("/v1/" + KMSFixture.keyName))

        try fixture.double.control(#"{"fail_next": [429, 503]}"#)
        #expect(try api.send(request, idempotent: true).status == 200)
        try fixture.double.control(#"{"fail_next": [429]}"#)
        #expect(
            throws: GoogleAPIClientError.api(
                GoogleAPIError(
                    code: 429, status: "RESOURCE_EXHAUSTED", message: "Injected failure 429."))
        ) {
            try api.send(request, idempotent: false)
        }
    }

    @Test func parsesGooglesErrorEnvelope() {
        let body = #"""
            {"error": {"code": 404, "message": "Not found: Dataset p:tenant_x",
              "errors": [{"message": "Not found: Dataset p:tenant_x", "domain": "global", "reason": "notFound"}],
              "status": "NOT_FOUND"}}
            """#
        let error = GoogleAPIError(response: HTTPClientResponse(status: 404, body: Array(body.utf8)))
        #expect(
            error
                == GoogleAPIError(
                    code: 404, status: "NOT_FOUND", reason: "notFound", message: "Not found: Dataset p:tenant_x"))
        #expect(!error.isTransient)
        #expect("\(error)" == "Google API error 404 NOT_FOUND (notFound): Not found: Dataset p:tenant_x")

        let html = GoogleAPIError(response: HTTPClientResponse(status: 502, body: Array("<html>bad".utf8)))
        #expect(html == GoogleAPIError(code: 502, message: "HTTP 502 without a Google error body"))
        #expect(html.isTransient)
        let quota =
            #"{"error":{"code":403,"message":"Exceeded rate limits","errors":[{"reason":"rateLimitExceeded"}]}}"#
        #expect(GoogleAPIError(response: HTTPClientResponse(status: 403, body: Array(quota.utf8))).isTransient)
    }
}
