import Testing

@testable import TallyHTTPClient

/// Requests and responses against a real local server: what goes on the wire and what comes back.
@Suite(.timeLimit(.minutes(1)))
struct RoundTripTests {
    let client = HTTPClient(configuration: .init(connectTimeout: .seconds(2), timeout: .seconds(10)))

    @Test func getSendsHeadersAndReturnsJSON() throws {
        let server = try TestServer()
        defer { server.stop() }
        let request = HTTPClientRequest(url: server.url("/echo?a=1"), headers: [("X-Tenant", "acme"), ("Accept", "")])
        let response = try client.execute(request)
        let echo = try Echo(response)
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json")
        #expect(echo.method == "GET")
        #expect(echo.path == "/echo?a=1")
        #expect(echo.header("X-Tenant") == "acme")
        #expect(echo.header("Accept") == "")
        #expect(echo.header("User-Agent") == "Tally")
        #expect(echo.body.isEmpty)
    }

    @Test func postSendsBodyWithoutExpectOrInventedContentType() throws {
        let server = try TestServer()
        defer { server.stop() }
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 4096)
        let echo = try Echo(client.execute(HTTPClientRequest(method: "POST", url: server.url("/echo"), body: body)))
        #expect(echo.method == "POST")
        #expect(echo.body == String(repeating: "a", count: 4096))
        #expect(echo.header("Content-Length") == "4096")
        #expect(echo.header("Expect") == nil)
        #expect(echo.header("Content-Type") == nil)
    }

    @Test(arguments: ["PUT", "PATCH", "DELETE", "POST"])
    func methodsWithBinaryBody(method: String) throws {
        let server = try TestServer()
        defer { server.stop() }
        let request = HTTPClientRequest(
            method: method,
            url: server.url("/echo"),
            headers: [("Content-Type", "application/octet-stream")],
            body: [0, 1, 0xFF, 0, 0x7F]
        )
        let echo = try Echo(client.execute(request))
        #expect(echo.method == method)
        #expect(echo.bodyHex == "0001ff007f")
        #expect(echo.header("Content-Type") == "application/octet-stream")
    }

    @Test func emptyBodiesAndBodylessMethods() throws {
        let server = try TestServer()
        defer { server.stop() }
        let post = try Echo(client.execute(HTTPClientRequest(method: "POST", url: server.url("/echo"))))
        #expect(post.method == "POST")
        #expect(post.header("Content-Length") == "0")
        #expect(post.header("Content-Type") == nil)
        let delete = try Echo(client.execute(HTTPClientRequest(method: "DELETE", url: server.url("/echo"))))
        #expect(delete.method == "DELETE")
        let head = try client.execute(HTTPClientRequest(method: "HEAD", url: server.url("/echo")))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
    }

    @Test(arguments: [201, 204, 404, 500, 503])
    func statusCodesAreResponsesNotErrors(status: Int) throws {
        let server = try TestServer()
        defer { server.stop() }
        let response = try client.execute(HTTPClientRequest(url: server.url("/echo?status=\(status)")))
        #expect(response.status == status)
        #expect(response.isSuccess == (200...299).contains(status))
    }

    @Test func responseHeadersAreSearchableCaseInsensitively() throws {
        let server = try TestServer()
        defer { server.stop() }
        let response = try client.execute(HTTPClientRequest(url: server.url("/headers")))
        #expect(response.header("x-custom-header") == "abc")
        #expect(response.header("X-CUSTOM-HEADER") == "abc")
        #expect(response.headers(named: "set-cookie") == ["a=1", "b=2"])
        #expect(response.header("X-Missing") == nil)
        #expect(response.bodyString == "ok")
    }

    @Test func interimResponseIsDroppedAndFinalHeadersKept() throws {
        let server = try TestServer()
        defer { server.stop() }
        let response = try client.execute(HTTPClientRequest(url: server.url("/interim")))
        #expect(response.status == 200)
        #expect(response.header("X-Final") == "yes")
        #expect(response.header("X-Interim") == nil)
        #expect(response.bodyString == "final")
    }

    @Test func sequentialRequestsReuseTheConnection() throws {
        let server = try TestServer()
        defer { server.stop() }
        let ports = try (0..<3).map { _ in try Echo(client.execute(HTTPClientRequest(url: server.url("/echo")))) }
            .map(\.clientPort)
        #expect(Set(ports).count == 1)
        #expect(client.idleHandleCount == 1)
    }
}
