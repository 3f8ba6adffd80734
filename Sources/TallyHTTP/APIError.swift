/// An error a client sees: a stable machine-readable `code`, an HTTP status and a human message.
///
/// Messages are written for clients, so they never carry secrets, SQL or file paths.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPStatus
    public var code: String
    public var message: String
    /// Extra response headers, such as `Allow` on a 405.
    public var headers: [String: String]
    /// Extra top-level fields of the error object, such as the active run's id on a 409.
    public var details: [String: String]

    public init(
        _ status: HTTPStatus,
        code: String,
        _ message: String,
        headers: [String: String] = [:],
        details: [String: String] = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.details = details
    }

    /// The `{"error": {...}}` response for this error.
    public func response(requestID: String) -> Response {
        var fields = details
        fields["code"] = code
        fields["message"] = message
        fields["request_id"] = requestID
        var response = Response.json(["error": fields], status: status)
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            response.headers.add(name: name, value: value)
        }
        return response
    }

    public static func notFound(_ message: String = "No such resource.") -> APIError {
        APIError(.notFound, code: "not_found", message)
    }

    public static func badRequest(code: String, _ message: String) -> APIError {
        APIError(.badRequest, code: code, message)
    }

    public static let internalError = APIError(
        .internalServerError, code: "internal_error", "The server failed to handle the request.")
}
