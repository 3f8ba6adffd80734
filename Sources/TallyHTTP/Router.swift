/// Routes a request by method and path pattern (`/api/v1/runs/{id}`) to a handler.
///
/// An unknown path is a 404; a known path with another method is a 405 with `Allow`. Handler errors
/// that know their API error become that response; anything else is a 500 whose details go to the log
/// only, never to the client.
public struct Router: Responder {
    /// A handler gets the request and the values of the pattern's `{parameters}`.
    public typealias Handler = @Sendable (Request, RouteParameters) throws -> Response

    struct Route: Sendable {
        var method: HTTPMethod
        var pattern: [PatternSegment]
        var template: String
        var handler: Handler
    }

    enum PatternSegment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    private var routes: [Route] = []
    private let onUnexpectedError: @Sendable (Request, any Error) -> Void

    public init(onUnexpectedError: @escaping @Sendable (Request, any Error) -> Void = { _, _ in }) {
        self.onUnexpectedError = onUnexpectedError
    }

    /// Every route as `(method, template)`, e.g. for checking the API description covers them.
    public var routeTemplates: [(method: HTTPMethod, path: String)] {
        routes.map { ($0.method, $0.template) }
    }

    public mutating func add(_ method: HTTPMethod, _ template: String, _ handler: @escaping Handler) {
        let pattern = template.split(separator: "/").map { segment -> PatternSegment in
            segment.hasPrefix("{") && segment.hasSuffix("}")
                ? .parameter(String(segment.dropFirst().dropLast())) : .literal(String(segment))
        }
        routes.append(Route(method: method, pattern: pattern, template: template, handler: handler))
    }

    public func respond(to request: Request) -> Response {
        var response = dispatch(request)
        response.headers.replaceOrAdd(name: "X-Request-Id", value: request.requestID)
        return response
    }

    private func dispatch(_ request: Request) -> Response {
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Self.match(route.pattern, request.pathSegments) else { continue }
            guard route.method == request.method else {
                allowed.append(route.method.rawValue)
                continue
            }
            do {
                return try route.handler(request, parameters)
            } catch let error as any APIErrorConvertible {
                return error.apiError.response(requestID: request.requestID)
            } catch {
                onUnexpectedError(request, error)
                return APIError.internalError.response(requestID: request.requestID)
            }
        }
        if !allowed.isEmpty {
            let allow = Set(allowed).sorted().joined(separator: ", ")
            return APIError(
                .methodNotAllowed, code: "method_not_allowed",
                "\(request.method) is not allowed here; use \(allow).", headers: ["Allow": allow]
            ).response(requestID: request.requestID)
        }
        return APIError.notFound("No route for \(request.path).").response(requestID: request.requestID)
    }

    static func match(_ pattern: [PatternSegment], _ segments: [String]) -> RouteParameters? {
        guard pattern.count == segments.count else { return nil }
        var values: [String: String] = [:]
        for (part, segment) in zip(pattern, segments) {
            switch part {
            case .literal(let literal) where literal == segment: continue
            case .literal: return nil
            case .parameter(let name): values[name] = segment
            }
        }
        return RouteParameters(values: values)
    }
}

/// The values of a route's `{parameters}`.
public struct RouteParameters: Sendable {
    public var values: [String: String]

    public init(values: [String: String] = [:]) {
        self.values = values
    }

    /// The value of a parameter the route's pattern declares.
    public subscript(_ name: String) -> String {
        values[name] ?? ""
    }
}
