import TallyGoogleAuth
import TallyHTTPClient
import Testing

/// The metadata-server path, aimed at the double through `GCE_METADATA_HOST`.
@Suite struct MetadataTokenSourceTests {
    @Test func tokenFromGCEMetadataHost() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let resolver = GoogleCredentialsResolver(
            environment: ["GCE_METADATA_HOST": double.hostAndPort], client: double.client)
        #expect(resolver.describe() == "metadata server at \(double.hostAndPort)")
        let tokens = try resolver.tokenSource(scopes: ["https://www.googleapis.com/auth/cloud-platform"])
        #expect(try tokens.token().value.hasPrefix("ya29.fake-"))

        let request = try #require(try double.requests().first)
        #expect(request.method == "GET")
        #expect(request.path == "/computeMetadata/v1/instance/service-accounts/default/token")
        #expect(request.query == "scopes=https://www.googleapis.com/auth/cloud-platform")
        #expect(request.headers["metadata-flavor"] == "Google")
        #expect(request.headers["x-forwarded-for"] == nil)
    }

    /// Sanity check of the double: like the real server, it refuses requests without the header.
    @Test func doubleRefusesRequestsWithoutMetadataFlavor() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let response = try double.client.execute(
            HTTPClientRequest(url: double.url("/computeMetadata/v1/instance/service-accounts/default/token")))
        #expect(response.status == 403)
        #expect(response.header("Metadata-Flavor") == "Google")
    }

    @Test func answerWithoutMetadataFlavorIsNotTrusted() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        try double.control(#"{"omit_metadata_flavor": true}"#)
        let source = try MetadataTokenSource(host: double.hostAndPort, client: double.client)
        let error = try #require(throws: GoogleAuthError.self) { try source.token() }
        guard case .unavailable(let reason) = error else {
            Issue.record("expected .unavailable, got \(error)")
            return
        }
        #expect(reason.contains("Metadata-Flavor"))
        #expect(!reason.contains("ya29."))
    }

    @Test func metadataServerFailures() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let source = try MetadataTokenSource(host: double.hostAndPort, client: double.client, retry: fastRetry)
        try double.control(#"{"fail_next_token": [503, 503, 503]}"#)
        #expect(throws: GoogleAuthError.unavailable("metadata server answered HTTP 503")) { try source.token() }

        let unreachable = try MetadataTokenSource(host: "127.0.0.1:1", client: double.client, retry: fastRetry)
        #expect {
            try unreachable.token()
        } throws: { error in
            guard case .unavailable(let reason) = error as? GoogleAuthError else { return false }
            return reason.contains("metadata server unreachable")
        }
    }

    @Test(arguments: ["", "http://127.0.0.1:80/x", "host/path", "user@host", "a b"])
    func malformedHostIsRefused(host: String) {
        #expect(throws: GoogleAuthError.self) { try MetadataTokenSource(host: host, client: HTTPClient()) }
    }
}
