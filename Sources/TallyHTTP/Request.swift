/// An HTTP request as Tally's handlers see it: already decoded from FastCGI params, path split into
/// percent-decoded segments, body read in full.
public struct Request: Sendable {
    public var method: HTTPMethod
    /// The decoded path, without the query string.
    public var path: String
    /// The decoded, non-empty path segments; never `.` or `..`.
    public var pathSegments: [String]
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Correlates the nginx access log, Tally's log and the client's view of one request.
    public var requestID: String
    public var remoteAddress: String

    public init(
        method: HTTPMethod,
        path: String,
        pathSegments: [String]? = nil,
        query: [String: String] = [:],
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        requestID: String = "",
        remoteAddress: String = ""
    ) {
        self.method = method
        self.path = path
        self.pathSegments = pathSegments ?? path.split(separator: "/").map(String.init)
        self.query = query
        self.headers = headers
        self.body = body
        self.requestID = requestID
        self.remoteAddress = remoteAddress
    }
}
