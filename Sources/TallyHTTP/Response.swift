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
        Self.append("Status: ", to: &output)
        Self.appendDecimal(status.code, to: &output)
        output.append(UInt8(ascii: " "))
        Self.append(status.reason, to: &output)
        Self.append("\r\n", to: &output)
        var hasLength = false
        for (name, value) in headers {
            if !hasLength, ASCIIBytes.caseInsensitiveEquals(name, "Content-Length") { hasLength = true }
            Self.append(name, to: &output)
            Self.append(": ", to: &output)
            Self.appendRemovingLineBreaks(value, to: &output)
            Self.append("\r\n", to: &output)
        }
        if !hasLength {
            Self.append("Content-Length: ", to: &output)
            Self.appendDecimal(body.count, to: &output)
            Self.append("\r\n", to: &output)
        }
        Self.append("\r\n", to: &output)
        output.append(contentsOf: body)
    }

    private static func append(_ text: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func append(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { output.append(contentsOf: $0) }
    }

    /// Header values never carry CR or LF, so no input can split a response.
    private static func appendRemovingLineBreaks(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            if bytes.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
                output.append(contentsOf: bytes.lazy.filter { $0 != 0x0D && $0 != 0x0A })
            } else {
                output.append(contentsOf: bytes)
            }
        }
    }

    private static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        guard value > 0 else {
            output.append(UInt8(ascii: "0"))
            return
        }
        var digits = 0
        var rest = value
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let end = output.count + digits
        output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        rest = value
        for index in stride(from: end - 1, through: end - digits, by: -1) {
            output[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }
}
