import Foundation
import TallyHTTPClient
import Testing

/// `execute(_:retry:idempotent:sleep:)` against a server that counts hits per key. Sleeps are recorded, not slept.
@Suite(.timeLimit(.minutes(1)))
struct RetryTests {
    let client = HTTPClient(configuration: .init(timeout: .seconds(5)))
    let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(5))

    @Test func rateLimitedThenOKHonoursRetryAfter() throws {
        let server = try TestServer()
        defer { server.stop() }
        var sleeps: [Duration] = []
        let request = HTTPClientRequest(url: server.url("/flaky?key=k&failures=1&status=429&retryAfter=2"))
        let response = try client.execute(request, retry: policy, idempotent: true) { sleeps.append($0) }
        #expect(response.status == 200)
        #expect(try hits(server, key: "k") == 2)
        #expect(sleeps == [.seconds(2)])
    }

    @Test func nonIdempotentRequestIsNotRetried() throws {
        let server = try TestServer()
        defer { server.stop() }
        var sleeps: [Duration] = []
        let request = HTTPClientRequest(method: "POST", url: server.url("/flaky?key=k&failures=9&status=500"))
        let response = try client.execute(request, retry: policy, idempotent: false) { sleeps.append($0) }
        #expect(response.status == 500)
        #expect(try hits(server, key: "k") == 1)
        #expect(sleeps.isEmpty)
    }

    @Test func retriesStopAtMaxAttemptsAndReturnTheLastResponse() throws {
        let server = try TestServer()
        defer { server.stop() }
        var sleeps: [Duration] = []
        let request = HTTPClientRequest(url: server.url("/flaky?key=k&failures=9&status=503"))
        let response = try client.execute(request, retry: policy, idempotent: true) { sleeps.append($0) }
        #expect(response.status == 503)
        #expect(try hits(server, key: "k") == 3)
        #expect(sleeps.count == 2)
        #expect(sleeps.allSatisfy { $0 <= .milliseconds(200) })
    }

    @Test func clientErrorsAreNotRetried() throws {
        let server = try TestServer()
        defer { server.stop() }
        let request = HTTPClientRequest(url: server.url("/flaky?key=k&failures=9&status=404"))
        let response = try client.execute(request, retry: policy, idempotent: true) { _ in }
        #expect(response.status == 404)
        #expect(try hits(server, key: "k") == 1)
    }

    @Test(arguments: [true, false])
    func connectionFailuresAreRetriedOnlyWhenIdempotent(idempotent: Bool) throws {
        let server = try TestServer()
        let url = server.url("/echo")
        server.stop()
        var sleeps: [Duration] = []
        #expect {
            try client.execute(HTTPClientRequest(url: url), retry: policy, idempotent: idempotent) { sleeps.append($0) }
        } throws: { error in
            guard case .connectionFailed = error as? HTTPClientError else { return false }
            return true
        }
        #expect(sleeps.count == (idempotent ? 2 : 0))
    }

    @Test func realSleepWaitsAtLeastTheDuration() {
        let started = ContinuousClock.now
        HTTPClient.sleep(.milliseconds(30))
        #expect(ContinuousClock.now - started >= .milliseconds(30))
    }

    private func hits(_ server: TestServer, key: String) throws -> Int {
        let response = try client.execute(HTTPClientRequest(url: server.url("/hits?key=\(key)")))
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Int]
        return try #require(object?["hits"])
    }
}
