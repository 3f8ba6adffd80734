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
        var head = "Status: \(status.code) \(status.reason)\r\n"
        var hasLength = false
        for (name, value) in headers {
            if name.lowercased() == "content-length" { hasLength = true }
            head += "\(name): \(Self.sanitized(value))\r\n"
        }
        if !hasLength { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    /// Header values never carry CR or LF, so no input can split a response.
    private static func sanitized(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
    }
}
