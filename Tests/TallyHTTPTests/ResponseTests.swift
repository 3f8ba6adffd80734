import Testing

@testable import TallyHTTP

@Suite struct ResponseTests {
    @Test func writesTheCGIFormAfterWhatTheBufferHolds() {
        var response = Response(status: .ok, body: Array("{}".utf8))
        response.headers.add(name: "X-Request-Id", value: "r1")
        var output = Array("kept".utf8)
        response.writeCGI(into: &output)
        let text = String(decoding: output, as: UTF8.self)
        #expect(text == "keptStatus: 200 OK\r\nX-Request-Id: r1\r\nContent-Length: 2\r\n\r\n{}")
        #expect(Array(output.dropFirst(4)) == response.cgiBytes())
    }

    @Test func keepsAnExplicitContentLengthAndCountsLargeBodies() {
        var explicit = Response(status: .noContent)
        explicit.headers.add(name: "content-length", value: "0")
        let text = String(decoding: explicit.cgiBytes(), as: UTF8.self)
        #expect(text == "Status: 204 No Content\r\ncontent-length: 0\r\n\r\n")
        let large = Response(status: .ok, body: Array(repeating: 0x20, count: 1_234_567))
        #expect(String(decoding: large.cgiBytes().prefix(60), as: UTF8.self).contains("Content-Length: 1234567\r\n"))
        let odd = Response(status: HTTPStatus(code: -7, reason: "Odd"))
        #expect(String(decoding: odd.cgiBytes(), as: UTF8.self).hasPrefix("Status: -7 Odd\r\nContent-Length: 0\r\n"))
    }
}
