import Testing

@testable import TallyHTTPClient

/// Each failure maps to its typed error, quickly, and no error text leaks credentials.
@Suite(.timeLimit(.minutes(1)))
struct FailureTests {
    @Test func slowServerTimesOut() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(timeout: .milliseconds(300)))
        let started = ContinuousClock.now
        #expect(throws: HTTPClientError.timeout) {
            try client.execute(HTTPClientRequest(url: server.url("/sleep?ms=3000")))
        }
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test(arguments: ["/big?bytes=200000", "/big?bytes=200000&chunked=1"])
    func oversizedBodyIsRefused(path: String) throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(maxResponseBytes: 100_000))
        #expect(throws: HTTPClientError.tooLarge) {
            try client.execute(HTTPClientRequest(url: server.url(path)))
        }
        let exact = try client.execute(HTTPClientRequest(url: server.url("/big?bytes=100000&chunked=1")))
        #expect(exact.body.count == 100_000)
    }

    @Test func refusedConnectionIsConnectionFailed() throws {
        let server = try TestServer()
        let url = server.url("/echo")
        server.stop()
        let error = try #require(throws: HTTPClientError.self) {
            try HTTPClient().execute(HTTPClientRequest(url: url))
        }
        guard case .connectionFailed(let message) = error else {
            Issue.record("expected connectionFailed, got \(error)")
            return
        }
        #expect(message.contains("GET \(url)"))
    }

    @Test(arguments: [
        HTTPClientRequest(method: "get", url: "http://127.0.0.1/"),
        HTTPClientRequest(url: "ftp://127.0.0.1/"),
        HTTPClientRequest(url: "http:///path"),
        HTTPClientRequest(url: "http://127.0.0.1/a b"),
        HTTPClientRequest(url: "http://127.0.0.1/", headers: [("X-Key", "v\r\nX-Injected: 1")]),
        HTTPClientRequest(url: "http://127.0.0.1/", headers: [("Bad Name", "v")]),
    ])
    func malformedRequestsAreRefusedBeforeIO(request: HTTPClientRequest) {
        #expect {
            try HTTPClient().execute(request)
        } throws: { error in
            guard case .invalidRequest = error as? HTTPClientError else { return false }
            return true
        }
    }

    @Test func verificationCanBeDisabledOnlyForLoopback() {
        let client = HTTPClient(configuration: .init(verifyPeer: false))
        let message = "verifyPeer may be disabled only for loopback hosts, not example.com"
        #expect(throws: HTTPClientError.invalidRequest(message)) {
            try client.execute(HTTPClientRequest(url: "https://example.com/"))
        }
    }

    @Test func errorDescriptionsCarryNoSecrets() throws {
        let server = try TestServer()
        let port = server.port
        server.stop()
        let secret = "sk-live-SECRET-9f8e7d"
        let requests = [
            HTTPClientRequest(
                method: "POST",
                url: "http://user:\(secret)@127.0.0.1:\(port)/v1/x?key=\(secret)#\(secret)",
                headers: [("Authorization", "Bearer \(secret)")],
                body: Array("{\"token\":\"\(secret)\"}".utf8)
            ),
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/", headers: [("X-Api-Key", "\(secret)\r\n")]),
            HTTPClientRequest(url: "gopher://127.0.0.1/?token=\(secret)"),
        ]
        for request in requests {
            let error = try #require(throws: HTTPClientError.self) { try HTTPClient().execute(request) }
            for text in ["\(error)", String(reflecting: error), "\(request)", String(reflecting: request)] {
                #expect(!text.contains(secret), "\(text)")
                #expect(!text.contains("key="), "\(text)")
            }
        }
    }

    @Test func responseDescriptionOmitsHeaderValuesAndBody() {
        let response = HTTPClientResponse(
            status: 200,
            headers: [("Set-Cookie", "session=s3cr3t")],
            body: Array(#"{"access_token":"ya29.s3cr3t"}"#.utf8)
        )
        for text in ["\(response)", String(reflecting: response)] {
            #expect(!text.contains("s3cr3t"))
            #expect(text.contains("200"))
        }
    }
}
