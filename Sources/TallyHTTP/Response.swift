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
        func append(_ text: String) { output.append(contentsOf: text.utf8) }
        append("Status: \(status.code) \(status.reason)\r\n")
        var hasLength = false
        for (name, value) in headers {
            if !hasLength, name.utf8.count == 14, name.lowercased() == "content-length" { hasLength = true }
            append(name)
            append(": ")
            // Header values never carry CR or LF, so no input can split a response.
            output.append(contentsOf: value.utf8.lazy.filter { $0 != 0x0D && $0 != 0x0A })
            append("\r\n")
        }
        if !hasLength { append("Content-Length: \(body.count)\r\n") }
        append("\r\n")
        output.append(contentsOf: body)
        return output
    }
}
