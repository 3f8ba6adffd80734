/// Anything that answers requests. The FastCGI server calls it from many threads at once.
public protocol Responder: Sendable {
    func respond(to request: Request) -> Response
}

/// Domain errors that know which API error a client should see.
///
/// Lower modules (warehouse, key management) do not depend on HTTP; the API layer conforms their errors.
public protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}

extension APIError: APIErrorConvertible {
    public var apiError: APIError { self }
}
