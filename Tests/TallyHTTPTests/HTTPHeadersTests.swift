import Testing

@testable import TallyHTTP

@Suite struct HTTPHeadersTests {
    @Test func lookupIgnoresASCIICaseOnly() {
        let headers = HTTPHeaders([("X-Api-Key", "k"), ("Content-Type", "application/json")])
        #expect(headers["x-api-key"] == "k")
        #expect(headers["CONTENT-TYPE"] == "application/json")
        #expect(headers["X-Api-Ke"] == nil)
        #expect(headers["X-Api-Keys"] == nil)
    }

    @Test func replaceOrAddReplacesEveryValueAndLeavesCopiesAlone() {
        let original = HTTPHeaders([("Content-Type", "application/json"), ("x-request-id", "a"), ("X-Request-Id", "b")])
        var copy = original
        copy.replaceOrAdd(name: "X-Request-Id", value: "c")
        #expect(copy.map(\.value) == ["application/json", "c"])
        #expect(original.count == 3)
        copy.replaceOrAdd(name: "Allow", value: "GET")
        #expect(copy.map(\.name) == ["Content-Type", "X-Request-Id", "Allow"])
    }
}
