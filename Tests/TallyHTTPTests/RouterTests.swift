import Foundation
import Testing

@testable import TallyHTTP

@Suite struct RouterTests {
    struct Failure: Error {}

    func makeRouter() -> Router {
        var router = Router()
        router.add(.get, "/items/{id}") { _, path in .json(["id": path["id"]]) }
        router.add(.delete, "/items/{id}") { _, _ in throw APIError.notFound("gone") }
        router.add(.post, "/boom") { _, _ in throw Failure() }
        return router
    }

    func body(_ response: Response) throws -> [String: [String: String]] {
        try JSONDecoder().decode([String: [String: String]].self, from: Data(response.body))
    }

    @Test func routesWithParameters() throws {
        let response = makeRouter().respond(to: Request(method: .get, path: "/items/42", requestID: "r1"))
        #expect(response.status == .ok)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"id":"42"}"#)
        #expect(response.headers["X-Request-Id"] == "r1")
    }

    @Test func unknownPathIsJSON404() throws {
        let response = makeRouter().respond(to: Request(method: .get, path: "/nope", requestID: "r2"))
        #expect(response.status == .notFound)
        let error = try #require(try body(response)["error"])
        #expect(error["code"] == "not_found")
        #expect(error["request_id"] == "r2")
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let response = makeRouter().respond(to: Request(method: .put, path: "/items/1", requestID: "r3"))
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers["Allow"] == "DELETE, GET")
        #expect(try body(response)["error"]?["code"] == "method_not_allowed")
    }

    @Test func apiErrorsKeepTheirStatusAndUnexpectedOnesAreGeneric500() throws {
        let router = makeRouter()
        #expect(router.respond(to: Request(method: .delete, path: "/items/1")).status == .notFound)
        let response = router.respond(to: Request(method: .post, path: "/boom", requestID: "r4"))
        #expect(response.status == .internalServerError)
        #expect(try body(response)["error"]?["message"] == "The server failed to handle the request.")
    }

    @Test func cgiSerialization() {
        var response = Response.json(["a": "b"], status: .created)
        response.headers.add(name: "X-Evil", value: "a\r\nSet-Cookie: x")
        let text = String(decoding: response.cgiBytes(), as: UTF8.self)
        #expect(text.hasPrefix("Status: 201 Created\r\n"))
        #expect(text.contains("Content-Length: 9\r\n"))
        #expect(text.contains("X-Evil: aSet-Cookie: x\r\n"))
        #expect(text.hasSuffix("\r\n\r\n{\"a\":\"b\"}"))
    }

    @Test func decodeBodyErrorsNameTheField() {
        struct Body: Decodable { var name: String }
        func error(_ json: String, contentType: String? = nil) -> APIError? {
            var headers = HTTPHeaders()
            if let contentType { headers.add(name: "Content-Type", value: contentType) }
            let request = Request(method: .post, path: "/", headers: headers, body: Array(json.utf8))
            do {
                _ = try JSONCoding.decodeBody(Body.self, from: request)
                return nil
            } catch {
                return error
            }
        }
        #expect(error(#"{"name": 1}"#)?.code == "invalid_field")
        #expect(error(#"{}"#)?.code == "missing_field")
        #expect(error(#"{"name": "#)?.code == "invalid_json")
        #expect(error("")?.code == "invalid_json")
        #expect(error(#"{"name":"x"}"#, contentType: "text/plain")?.status == .unsupportedMediaType)
        #expect(error(#"{"name":"x"}"#) == nil)
    }

    @Test func jsonValueKeepsTypesApart() throws {
        let value = try JSONDecoder().decode(
            JSONValue.self, from: Data(#"{"a":true,"b":1,"c":"1","d":1.5,"e":null}"#.utf8))
        #expect(
            value == .object(["a": .bool(true), "b": .integer(1), "c": .string("1"), "d": .number(1.5), "e": .null]))
    }
}
