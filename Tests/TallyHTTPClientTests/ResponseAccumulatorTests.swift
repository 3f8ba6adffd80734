import Testing

@testable import TallyHTTPClient

/// Header-line parsing as libcurl delivers it, interim responses included.
struct ResponseAccumulatorTests {
    private func feed(_ lines: [String], limit: Int = 100) -> ResponseAccumulator {
        let accumulator = ResponseAccumulator(limit: limit)
        lines.forEach { accumulator.receiveHeaderLine($0 + "\r\n") }
        return accumulator
    }

    @Test func keepsOnlyTheLastResponsesHeaders() {
        let accumulator = feed([
            "HTTP/1.1 100 Continue", "X-Interim: 1", "",
            "HTTP/1.1 200 OK", "Content-Type:  text/plain \t", "X-Empty:", "",
        ])
        let response = accumulator.response(status: 200)
        #expect(response.headers.map(\.name) == ["Content-Type", "X-Empty"])
        #expect(response.header("content-type") == "text/plain")
        #expect(response.header("x-empty") == "")
        #expect(response.header("X-Interim") == nil)
    }

    @Test func http2StatusLineAndFoldedValues() {
        let accumulator = feed(["HTTP/2 200", "x-long: part one", "\tpart two", "bogus line without colon", ""])
        #expect(accumulator.response(status: 200).header("X-Long") == "part one part two")
        #expect(accumulator.headers.count == 1)
    }

    @Test func bodyLimitIsExact() {
        let accumulator = ResponseAccumulator(limit: 5)
        #expect(accumulator.receiveBody([1, 2, 3]))
        #expect(accumulator.receiveBody([4, 5]))
        #expect(!accumulator.exceededLimit)
        #expect(!accumulator.receiveBody([6]))
        #expect(accumulator.exceededLimit)
        #expect(accumulator.body == [1, 2, 3, 4, 5])
    }
}
