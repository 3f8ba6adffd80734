import Foundation

/// The one JSON configuration Tally uses, so every response is encoded the same way.
public enum JSONCoding {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Decodes a request body, turning decoding failures into `400` errors that name the field at fault.
    public static func decodeBody<T: Decodable>(_ type: T.Type, from request: Request) throws(APIError) -> T {
        if let contentType = request.headers["Content-Type"],
            !contentType.lowercased().hasPrefix("application/json")
        {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", "Request bodies must be JSON.")
        }
        if request.body.isEmpty {
            throw APIError(.badRequest, code: "invalid_json", "A JSON object body is required.")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(request.body))
        } catch let error as APIError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            let field = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw APIError(.badRequest, code: "missing_field", "Field '\(field)' is required.")
        } catch let DecodingError.typeMismatch(_, context) {
            throw APIError(.badRequest, code: "invalid_field", "Field '\(path(context))' has the wrong type.")
        } catch let DecodingError.valueNotFound(_, context) {
            throw APIError(.badRequest, code: "invalid_field", "Field '\(path(context))' must not be null.")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw APIError(.badRequest, code: "invalid_field", "Field '\(path(context))' is invalid.")
        } catch {
            throw APIError(.badRequest, code: "invalid_json", "The request body is not valid JSON.")
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}
