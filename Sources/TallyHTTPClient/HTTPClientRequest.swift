/// One outgoing request, as a plain value. Its description shows only the method, the URL without query and the
/// header names, so logging a request cannot leak credentials.
public struct HTTPClientRequest: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Upper-case method token: `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`, ...
    public var method: String
    /// Absolute `http` or `https` URL.
    public var url: String
    /// Sent in order. An empty value sends the header with no value; names must not repeat libcurl's
    /// defaults unless the intent is to override them.
    public var headers: [(name: String, value: String)]
    /// Sent with `Content-Length`. Without a `Content-Type` header none is sent (libcurl would otherwise claim
    /// `application/x-www-form-urlencoded`).
    public var body: [UInt8]?

    /// A request; the method defaults to `GET` and is case-sensitive, as in HTTP.
    public init(
        method: String = "GET",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The first value of the named header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { HTTPClientResponse.namesMatch($0.name, name) }?.value
    }

    public var description: String {
        let url = (try? RequestURL(url).redacted) ?? "<malformed URL>"
        let names = headers.map(\.name).joined(separator: ", ")
        return "\(method) \(url) headers: [\(names)] body: \(body.map { "\($0.count) bytes" } ?? "none")"
    }

    public var debugDescription: String {
        description
    }

    /// Refuses what would let a caller's data rewrite the request on the wire (header injection), before any I/O.
    func validate() throws(HTTPClientError) {
        guard !method.isEmpty, method.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else {
            throw .invalidRequest("method must be an upper-case token")
        }
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .invalidRequest("header name is not a valid token")
            }
            // Only the name is reported: values carry credentials.
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw .invalidRequest("value of header \(name) contains CR, LF or NUL")
            }
        }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
