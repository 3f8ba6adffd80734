import Testing

@testable import TallyHTTP

@Suite struct RequestTargetTests {
    func parse(_ uri: String) throws -> RequestTarget {
        try RequestTarget.parse(ArraySlice(uri.utf8), maxPathBytes: 256).get()
    }

    @Test(arguments: [
        ("/", "/", [String]()),
        ("/health", "/health", ["health"]),
        ("/api/v1/runs?limit=1", "/api/v1/runs", ["api", "v1", "runs"]),
        ("/a//b/", "/a/b", ["a", "b"]),
        ("//a", "/a", ["a"]),
        ("/a%20b/c+d", "/a b/c+d", ["a b", "c+d"]),
        ("/%C3%A9t%C3%A9/x", "/été/x", ["été", "x"]),
        ("/a b/.x/..y", "/a b/.x/..y", ["a b", ".x", "..y"]),
    ])
    func decodesPathsWithAndWithoutEscapes(uri: String, path: String, segments: [String]) throws {
        let target = try parse(uri)
        #expect(target.path == path)
        #expect(target.segments == segments)
    }

    @Test(arguments: ["/.", "/a/..", "/a/%2E", "/a/%2f", "/a%7F", "/a%0A"])
    func refusesDotSegmentsSlashesAndControlCharacters(_ uri: String) {
        #expect(throws: APIError.self) { try parse(uri) }
    }
}
