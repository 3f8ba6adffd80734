import Logging
import TallyHTTP

/// Reads one request from libfcgi, answers it, and always consumes the whole body, so that a refused
/// request leaves the connection in a clean state.
struct RequestHandler: Sendable {
    let responder: any Responder
    let parser: RequestParser
    let logger: Logger

    private static let chunk = 64 * 1024

    func handle(_ fcgi: LibFCGI, buffers: inout WorkerBuffers) {
        fcgi.readParams(into: &buffers.params, where: RequestParser.reads(param:))
        buffers.render(answer(fcgi, params: buffers.params))
        if !fcgi.write(buffers.output) {
            logger.debug("client went away before the response was written")
        }
        buffers.releaseLargeOutput()
    }

    private func answer(_ fcgi: LibFCGI, params: CGIParams) -> Response {
        let head: RequestHead
        switch parser.parseHead(params) {
        case .failure(let failure):
            drain(fcgi)
            return withRequestID(failure.error.response(requestID: failure.requestID), failure.requestID)
        case .success(let parsed):
            head = parsed
        }
        if !head.hasContentLength {
            guard !fcgi.readOneByte() else {
                drain(fcgi)
                let error = APIError(.lengthRequired, code: "length_required", "A request body needs Content-Length.")
                return withRequestID(error.response(requestID: head.requestID), head.requestID)
            }
            return responder.respond(to: head.request(body: []))
        }
        let body = fcgi.read(upTo: head.contentLength)
        guard body.count == head.contentLength else {
            let error = APIError.badRequest(code: "incomplete_body", "The body is shorter than Content-Length.")
            return withRequestID(error.response(requestID: head.requestID), head.requestID)
        }
        drain(fcgi)
        return responder.respond(to: head.request(body: body))
    }

    private func drain(_ fcgi: LibFCGI) {
        while fcgi.read(upTo: Self.chunk).count == Self.chunk {}
    }

    private func withRequestID(_ response: Response, _ requestID: String) -> Response {
        var response = response
        response.headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        return response
    }
}
