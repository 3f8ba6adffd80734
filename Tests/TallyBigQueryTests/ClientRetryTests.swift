import TallyGoogleAuth
import TallyHTTPClient
import Testing

@testable import TallyWarehouse

@Suite("BigQueryClient: retries and errors (recorded responses)")
struct ClientRetryTests {
    @Test(arguments: [
        (Recorded.error(429, "rateLimitExceeded", "slow down"), true),
        (Recorded.error(403, "rateLimitExceeded", "Exceeded rate limits"), true),
        (Recorded.error(500, "backendError", "Backend error"), true),
        (Recorded.error(503, "", "Service unavailable"), true),
        (Recorded.error(400, "backendError", "Backend error"), true),
        (Recorded.error(500, "dontRetry", "Internal error"), false),
        (Recorded.error(403, "quotaExceeded", "Quota exceeded"), false),
        (Recorded.error(403, "accessDenied", "Access Denied"), false),
        (Recorded.error(400, "invalidQuery", "Syntax error"), false),
        (Recorded.error(404, "notFound", "Not found: Dataset p:d"), false),
    ])
    func retriesOnlyTransientFailures(answer: ScriptedTransport.Answer, retried: Bool) throws {
        let transport = ScriptedTransport([answer, .json(200, #"{"kind":"bigquery#dataset"}"#)])
        let client = transport.client()
        do {
            let result = try client.send(.get("datasets/d"))
            #expect(retried && result.retried)
        } catch {
            #expect(!retried, "\(error)")
        }
        #expect(transport.requests.count == (retried ? 2 : 1))
        #expect(transport.sleeps.count == (retried ? 1 : 0))
    }

    @Test func backoffIsBoundedAndHonoursRetryAfter() throws {
        let busy = ScriptedTransport.Answer.json(503, "{}", headers: ["Retry-After": "3"])
        let transport = ScriptedTransport(Array(repeating: busy, count: 5))
        #expect(throws: BigQueryError.self) { try transport.client().send(.get("datasets/d")) }
        #expect(transport.requests.count == BigQueryClient.defaultRetry.maxAttempts)
        #expect(transport.sleeps == Array(repeating: .seconds(3), count: 4))
    }

    @Test func exhaustedRetriesAndDeadPeersAreUnavailable() throws {
        let transport = ScriptedTransport(Array(repeating: .failure(.timeout), count: 5))
        let warehouse = transport.warehouse()
        #expect(throws: WarehouseError.unavailable("HTTP request timed out")) { try warehouse.datasetExists("d") }
        #expect(transport.requests.count == 5)
        for sleep in transport.sleeps { #expect(sleep <= BigQueryClient.defaultRetry.maxDelay) }
        let busy = ScriptedTransport(Array(repeating: Recorded.error(500, "backendError", "Backend error"), count: 5))
        #expect(throws: WarehouseError.unavailable("Backend error")) { try busy.warehouse().datasetExists("d") }
    }

    @Test func unauthorizedRefreshesTheTokenOnce() throws {
        let tokens = StaticTokenSource()
        let transport = ScriptedTransport([
            Recorded.error(401, "authError", "Invalid Credentials"),
            Recorded.error(401, "authError", "Invalid Credentials"),
        ])
        #expect(throws: BigQueryError.self) { try transport.client(tokens: tokens).send(.get("datasets/d")) }
        #expect(tokens.invalidated == 1)
        #expect(transport.requests.count == 2)
        #expect(transport.requests[0].header("Authorization") == "Bearer test-token")
    }

    @Test func errorEnvelopesMapToWarehouseErrors() {
        let cases: [(ScriptedTransport.Answer, WarehouseError)] = [
            (Recorded.error(404, "notFound", "Not found: Dataset p:t1"), .datasetNotFound("t1")),
            (
                Recorded.error(404, "notFound", "Not found: Table p:t1.runs was not found in location EU"),
                .tableNotFound("t1.runs")
            ),
            (
                Recorded.error(400, "invalidQuery", "Unrecognized name: x at [1:8]"),
                .invalidQuery("Unrecognized name: x at [1:8]")
            ),
        ]
        for (answer, expected) in cases {
            let transport = ScriptedTransport([answer])
            #expect(throws: expected) {
                try transport.warehouse().query("SELECT x", parameters: [:], in: "t1", options: JobOptions())
            }
        }
        // Not a Google envelope (a proxy's page): the status alone, no body text.
        let html = BigQueryError(status: 502, body: Array("<html>bad gateway</html>".utf8))
        #expect(html.message == "HTTP 502")
        #expect(html.isRetryable)
    }

    @Test func emulatorHostAcceptsAValueWithoutScheme() {
        #expect(BigQueryEndpoint.baseURL(environment: [:]) == "https://bigquery.googleapis.com")
        #expect(
            BigQueryEndpoint.baseURL(environment: ["BIGQUERY_EMULATOR_HOST": "127.0.0.1:9050"])
                == "http://127.0.0.1:9050")
        #expect(
            BigQueryEndpoint.baseURL(environment: ["BIGQUERY_EMULATOR_HOST": "http://localhost:9050/"])
                == "http://localhost:9050")
        #expect(BigQueryEndpoint.escape("costs$20250801") == "costs%2420250801")
    }
}

/// A token source that cannot supply tokens.
private struct FailingTokens: TokenSource {
    let failure: GoogleAuthError
    func token() throws(GoogleAuthError) -> AccessToken { throw failure }
    func invalidate(_ token: AccessToken) {}
}

@Suite("BigQueryClient: credentials")
struct CredentialTests {
    @Test func tokenFailuresAreUnavailableOnlyWhenTheTokenServiceIs() {
        let down = BigQueryClient(
            project: "p", location: "EU", baseURL: "bq.test", tokens: FailingTokens(failure: .unavailable("timeout")),
            transport: { _ throws(HTTPClientError) in HTTPClientResponse(status: 200) })
        #expect(throws: WarehouseError.unavailable("token service: timeout")) {
            try BigQueryWarehouse(api: down).datasetExists("d")
        }
        let refused = BigQueryClient(
            project: "p", location: "EU", baseURL: "bq.test", tokens: FailingTokens(failure: .refused("invalid_grant")),
            transport: { _ throws(HTTPClientError) in HTTPClientResponse(status: 200) })
        #expect(
            throws: WarehouseError.io("BigQuery HTTP 401 (authentication): Google token request refused: invalid_grant")
        ) {
            try BigQueryWarehouse(api: refused).datasetExists("d")
        }
    }
}
