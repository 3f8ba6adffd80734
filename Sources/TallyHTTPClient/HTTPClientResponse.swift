/// A complete response: the final status and headers (interim `1xx` responses are dropped) and the whole body.
/// Its description omits header values and the body, which may hold tokens (an OAuth token response, a cookie).
public struct HTTPClientResponse: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The final status code; any status is a response, never an error.
    public var status: Int
    /// In received order, names as sent by the server.
    public var headers: [(name: String, value: String)]
    /// The whole body as received, at most `HTTPClient.Configuration.maxResponseBytes`.
    public var body: [UInt8]

    /// A response value; the client builds these, tests and fakes may too.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the named header, compared case-insensitively as HTTP requires.
    public func header(_ name: String) -> String? {
        headers.first { Self.namesMatch($0.name, name) }?.value
    }

    /// Every value of the named header, for the ones that may repeat (`Set-Cookie`, `Link`, ...).
    public func headers(named name: String) -> [String] {
        headers.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// The body decoded as UTF-8, invalid sequences replaced; for JSON and error bodies.
    public var bodyString: String {
        String(decoding: body, as: UTF8.self)
    }

    /// True for `200...299`.
    public var isSuccess: Bool {
        (200...299).contains(status)
    }

    public var description: String {
        "HTTP \(status), \(headers.count) headers, \(body.count) body bytes"
    }

    public var debugDescription: String {
        description
    }

    /// ASCII case-insensitive comparison: header names are tokens, so no Unicode case folding is needed.
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8) { lowercase($0) == lowercase($1) }
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
}
