/// An HTTP request method. Kept open (a raw string) so an unknown method still routes to a 405 rather than
/// failing to parse.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue.uppercased()
    }

    /// For a method already checked to be upper case (the request parser): skips `uppercased()`.
    init(uppercased rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// Safe methods may be retried by a proxy; everything else must not be replayed.
    public var isIdempotent: Bool {
        switch self {
        case .get, .head, .options, .put, .delete: true
        default: false
        }
    }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let head = HTTPMethod(rawValue: "HEAD")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let put = HTTPMethod(rawValue: "PUT")
    public static let patch = HTTPMethod(rawValue: "PATCH")
    public static let delete = HTTPMethod(rawValue: "DELETE")
    public static let options = HTTPMethod(rawValue: "OPTIONS")
}
