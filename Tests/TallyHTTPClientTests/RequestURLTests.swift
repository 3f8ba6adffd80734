import Testing

@testable import TallyHTTPClient

/// The URL facts the client relies on for redaction and the loopback-only `verifyPeer: false`.
struct RequestURLTests {
    @Test func redactsUserInfoQueryAndFragment() throws {
        let url = try RequestURL("HTTPS://user:pw@Api.Example.com:8443/v1/jobs?key=s3cr3t&x=1#frag")
        #expect(url.scheme == "https")
        #expect(url.host == "api.example.com")
        #expect(url.redacted == "https://Api.Example.com:8443/v1/jobs")
        #expect(url.secretParts == ["key=s3cr3t", "x=1", "frag"])
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/", true), ("http://127.1.2.3/", true), ("http://[::1]:80/", true),
        ("https://localhost/", true), ("http://LOCALHOST", true), ("http://127.0.0.1.evil.com/", false),
        ("http://localhost.evil.com/", false), ("http://evil.com?h=127.0.0.1", false),
        ("http://127.0.0.1@evil.com/", false), ("http://10.0.0.1/", false), ("http://[::2]/", false),
    ])
    func loopbackDetection(url: String, isLoopback: Bool) throws {
        #expect(try RequestURL(url).isLoopback == isLoopback)
    }

    @Test func scrubReplacesSecretsButNotShortFragments() {
        let message = HTTPClientError.scrub("GET /x: token abcdef1234 at id 1", secrets: ["abcdef1234", "1"])
        #expect(message == "GET /x: token [redacted] at id 1")
    }
}
