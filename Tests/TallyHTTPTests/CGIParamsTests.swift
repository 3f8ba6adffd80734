import Testing

@testable import TallyHTTP

@Suite struct CGIParamsTests {
    func entries(_ texts: [String]) -> CGIParams {
        var params = CGIParams()
        for text in texts {
            Array(text.utf8).withUnsafeBufferPointer { params.append(entry: $0) }
        }
        return params
    }

    @Test func looksUpByExactNameAndTakesTheFirstLikeLibfcgi() {
        let params = entries(["REQUEST_URI=/a?b=c", "REQUEST=x", "REQUEST_URI=/second", "EMPTY="])
        #expect(params.value("REQUEST_URI").map { Array($0) } == Array("/a?b=c".utf8))
        #expect(params.value("REQUEST").map { Array($0) } == Array("x".utf8))
        #expect(params.value("EMPTY")?.isEmpty == true)
        #expect(params.value("REQUEST_UR") == nil)
        #expect(params.value("MISSING") == nil)
    }

    @Test func keepsOrderSkipsEntriesWithoutEqualsAndSplitsAtTheFirstEquals() {
        let params = entries(["B=1", "garbage", "A=x=y"])
        #expect(params.count == 2)
        #expect(String(decoding: params[0].name, as: UTF8.self) == "B")
        #expect(String(decoding: params[1].value, as: UTF8.self) == "x=y")
    }

    @Test func removeAllForgetsEveryParam() {
        var params = entries(["A=1", "B=2"])
        params.removeAll()
        #expect(params.isEmpty)
        #expect(params.value("A") == nil)
        Array("A=3".utf8).withUnsafeBufferPointer { params.append(entry: $0) }
        #expect(params.value("A").map { Array($0) } == Array("3".utf8))
    }

    @Test func parserReadsHeadersFromEntriesInOrder() throws {
        let params = entries([
            "REQUEST_METHOD=GET", "REQUEST_URI=/health", "HTTP_HOST=example", "HTTP_X_REQUEST_ID=abc",
            "CONTENT_TYPE=application/json", "HTTPS=on", "SERVER_PORT=8443",
        ])
        let head = try RequestParser().parseHead(params).get()
        #expect(head.requestID == "abc")
        #expect(head.headers.map(\.name) == ["Host", "X-Request-Id", "Content-Type"])
        #expect(head.headers["content-type"] == "application/json")
    }

    @Test func serverCopiesOnlyTheParamsTheParserReads() {
        func reads(_ name: String) -> Bool {
            Array(name.utf8).withUnsafeBufferPointer { RequestParser.reads(param: $0) }
        }
        for name in [
            "REQUEST_METHOD", "REQUEST_URI", "DOCUMENT_URI", "SCRIPT_NAME", "CONTENT_LENGTH", "CONTENT_TYPE",
            "REMOTE_ADDR", "HTTP_HOST", "HTTP_X_REQUEST_ID", "HTTP_",
            // Headers whose names are as long as a CGI variable the parser reads (a regression: dropped once).
            "HTTP_ACCEPT", "HTTP_X_API_KEY", "HTTP_X_ADMIN_K", "HTTP_COOKIE_XY",
        ] {
            #expect(reads(name), "\(name)")
        }
        for name in ["QUERY_STRING", "HTTPS", "SERVER_PORT", "REMOTE_PORT", "REQUEST_SCHEME", "DOCUMENT_ROOT", "HTTP"] {
            #expect(!reads(name), "\(name)")
        }
        var params = CGIParams()
        for entry in ["HTTPS=on", "HTTP_HOST=h", "SERVER_PORT=1"] {
            Array(entry.utf8).withUnsafeBufferPointer { params.append(entry: $0, where: RequestParser.reads(param:)) }
        }
        #expect(params.map { String(decoding: $0.name, as: UTF8.self) } == ["HTTP_HOST"])
    }

    @Test func headerNamesFromParamBytes() {
        #expect(RequestParser.headerName(fromParam: ArraySlice("HTTP_X_FORWARDED_FOR".utf8)) == "X-Forwarded-For")
        #expect(RequestParser.headerName(fromParam: ArraySlice("HTTP_".utf8)) == "")
        #expect(RequestParser.headerName(fromParam: ArraySlice("HTTP_DNT".utf8)) == "Dnt")
    }
}
