/// What is known of a request before its body is read: enough to route it and to know how many body bytes
/// to read.
public struct RequestHead: Sendable, Equatable {
    public var method: HTTPMethod
    public var path: String
    public var pathSegments: [String]
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var requestID: String
    public var remoteAddress: String
    /// The declared body length (`CONTENT_LENGTH`), zero when absent.
    public var contentLength: Int
    /// Whether `CONTENT_LENGTH` was present at all; a body without it is refused.
    public var hasContentLength: Bool

    /// Joins the head with its body into the value handlers see.
    public func request(body: [UInt8]) -> Request {
        Request(
            method: method,
            path: path,
            pathSegments: pathSegments,
            query: query,
            headers: headers,
            body: body,
            requestID: requestID,
            remoteAddress: remoteAddress
        )
    }
}
