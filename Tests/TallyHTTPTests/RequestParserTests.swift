import Testing

@testable import TallyHTTP

@Suite struct RequestParserTests {
    let parser = RequestParser(maxBodyBytes: 1024, maxPathBytes: 64)

    func params(_ values: [String: String]) -> [String: [UInt8]] {
        values.mapValues { Array($0.utf8) }
    }

    func head(_ values: [String: String]) throws -> RequestHead {
        try parser.parseHead(params: params(values)).get()
    }

    func failure(_ values: [String: [UInt8]]) -> ParseFailure? {
        if case .failure(let failure) = parser.parseHead(params: values) { return failure }
        return nil
    }

    @Test func parsesMethodPathQueryAndHeaders() throws {
        let parsed = try head([
            "REQUEST_METHOD": "GET", "REQUEST_URI": "/api/v1/pipelines/runs?status=RUNNING&limit=5&x=a%20b",
            "HTTP_X_API_KEY": "secret", "CONTENT_TYPE": "application/json", "HTTP_X_REQUEST_ID": "abc123",
            "REMOTE_ADDR": "127.0.0.1",
        ])
        #expect(parsed.method == .get)
        #expect(parsed.pathSegments == ["api", "v1", "pipelines", "runs"])
        #expect(parsed.query == ["status": "RUNNING", "limit": "5", "x": "a b"])
        #expect(parsed.headers["X-Api-Key"] == "secret")
        #expect(parsed.headers["Content-Type"] == "application/json")
        #expect(parsed.requestID == "abc123")
        #expect(!parsed.hasContentLength)
        let request = parsed.request(body: [])
        #expect(request.headers["x-api-key"] == "secret")
    }

    @Test func generatesRequestIDWhenMissingOrUnsafe() throws {
        let missing = try head(["REQUEST_METHOD": "GET", "REQUEST_URI": "/health"])
        #expect(missing.requestID.count == 32)
        let unsafe = try head(["REQUEST_METHOD": "GET", "REQUEST_URI": "/health", "HTTP_X_REQUEST_ID": "a\"b"])
        #expect(unsafe.requestID != "a\"b")
    }

    @Test func requestIDHeaderKeepsTheRawValueWhenTheIDIsReplaced() throws {
        let kept = try head(["REQUEST_METHOD": "GET", "REQUEST_URI": "/", "HTTP_X_REQUEST_ID": "abc"])
        #expect(kept.headers["X-Request-Id"] == "abc")
        let replaced = try head(["REQUEST_METHOD": "GET", "REQUEST_URI": "/", "HTTP_X_REQUEST_ID": "a b"])
        #expect(replaced.headers["X-Request-Id"] == "a b")
        #expect(replaced.requestID != "a b")
    }

    @Test(arguments: ["/a/../b", "/a/./b", "/a/%2e%2e/b", "/a/%2F/b", "/a%00b", "/%zz", "relative"])
    func refusesUnsafePaths(_ uri: String) {
        let result = failure(params(["REQUEST_METHOD": "GET", "REQUEST_URI": uri]))
        #expect(result?.error.status == .badRequest)
        #expect(result?.error.code == "invalid_path")
    }

    @Test func refusesInvalidUTF8InPath() {
        let result = failure(["REQUEST_METHOD": Array("GET".utf8), "REQUEST_URI": [0x2F, 0xFF, 0xFE]])
        #expect(result?.error.code == "invalid_path")
        let encoded = failure(params(["REQUEST_METHOD": "GET", "REQUEST_URI": "/%C3%28"]))
        #expect(encoded?.error.code == "invalid_path")
    }

    @Test func refusesOverlongPaths() {
        let result = failure(
            params(["REQUEST_METHOD": "GET", "REQUEST_URI": "/" + String(repeating: "a", count: 100)]))
        #expect(result?.error.status == .uriTooLong)
    }

    @Test func refusesOversizeAndMalformedContentLength() {
        let big = failure(params(["REQUEST_METHOD": "POST", "REQUEST_URI": "/x", "CONTENT_LENGTH": "1025"]))
        #expect(big?.error.status == .payloadTooLarge)
        let bad = failure(params(["REQUEST_METHOD": "POST", "REQUEST_URI": "/x", "CONTENT_LENGTH": "-1"]))
        #expect(bad?.error.code == "invalid_content_length")
        let huge = failure(
            params(["REQUEST_METHOD": "POST", "REQUEST_URI": "/x", "CONTENT_LENGTH": "99999999999999999999"]))
        #expect(huge?.error.code == "invalid_content_length")
    }

    @Test func refusesMissingOrMalformedMethod() {
        #expect(failure(params(["REQUEST_URI": "/x"]))?.error.code == "invalid_method")
        #expect(failure(params(["REQUEST_METHOD": "g e t", "REQUEST_URI": "/x"]))?.error.code == "invalid_method")
    }

    @Test func headerNamesFromParams() {
        #expect(RequestParser.headerName(fromParam: "HTTP_X_API_KEY") == "X-Api-Key")
        #expect(RequestParser.headerName(fromParam: "CONTENT_TYPE") == "Content-Type")
    }
}
