import Foundation

/// An HTTP response. Bodies are JSON everywhere in Tally's API.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response; encoding a value of our own types cannot fail, so a failure is a programming error.
    public static func json<T: Encodable>(_ value: T, status: HTTPStatus = .ok) -> Response {
        let body = (try? JSONCoding.encode(value)) ?? Array(#"{}"#.utf8)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return Response(status: status, headers: headers, body: body)
    }

    /// The CGI form libfcgi writes to nginx: a `Status:` line, headers, a blank line, the body.
    public func cgiBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(128 + body.count)
        writeCGI(into: &output)
        return output
    }

    /// Appends the CGI form to `output`. The server renders every response into one buffer per worker that
    /// it reuses, and writes it with one call; no string interpolation or per-header allocation here.
    public func writeCGI(into output: inout [UInt8]) {
        Self.append(literal: "Status: ", to: &output)
        Self.appendDecimal(status.code, to: &output)
        output.append(UInt8(ascii: " "))
        Self.append(status.reason, to: &output)
        Self.appendLineBreak(to: &output)
        var hasLength = false
        for (name, value) in headers {
            if !hasLength, ASCIIBytes.caseInsensitiveEquals(name, "Content-Length") { hasLength = true }
            Self.append(name, to: &output)
            output.append(UInt8(ascii: ":"))
            output.append(UInt8(ascii: " "))
            Self.appendRemovingLineBreaks(value, to: &output)
            Self.appendLineBreak(to: &output)
        }
        if !hasLength {
            Self.append(literal: "Content-Length: ", to: &output)
            Self.appendDecimal(body.count, to: &output)
            Self.appendLineBreak(to: &output)
        }
        Self.appendLineBreak(to: &output)
        output.append(contentsOf: body)
    }

    // The label keeps literals on this overload: unlabelled, a literal would pick the `String` one.
    private static func append(literal text: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func appendLineBreak(to output: inout [UInt8]) {
        output.append(0x0D)
        output.append(0x0A)
    }

    private static func append(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { output.append(contentsOf: $0) }
    }

    /// Header values never carry CR or LF, so no input can split a response.
    private static func appendRemovingLineBreaks(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var hasLineBreak = false
            for byte in bytes where byte == 0x0D || byte == 0x0A {
                hasLineBreak = true
                break
            }
            if hasLineBreak {
                output.append(contentsOf: bytes.lazy.filter { $0 != 0x0D && $0 != 0x0A })
            } else {
                output.append(contentsOf: bytes)
            }
        }
    }

    private static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            var rest = value.magnitude
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            output.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}
