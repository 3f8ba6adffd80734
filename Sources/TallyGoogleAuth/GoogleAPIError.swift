import TallyHTTPClient

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A Google API's answer to a failed call, from the error envelope all its JSON APIs share:
/// `{"error": {"code": 404, "message": "…", "status": "NOT_FOUND", "errors": [{"reason": "notFound", …}]}}`.
///
/// Google's messages name resources ("Not found: Dataset p:d"), never credentials; they are clipped anyway.
public struct GoogleAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status (the envelope's `code`).
    public var code: Int
    /// The canonical status, e.g. `NOT_FOUND`, `INVALID_ARGUMENT`; nil when the body had none.
    public var status: String?
    /// The first `errors[].reason`, e.g. `notFound`, `duplicate`, `rateLimitExceeded` (BigQuery sets these).
    public var reason: String?
    public var message: String

    public init(code: Int, status: String? = nil, reason: String? = nil, message: String) {
        self.code = code
        self.status = status
        self.reason = reason
        self.message = message
    }

    /// Parses the envelope of `response`; a body that is not one (a proxy's HTML page) gives just the status.
    public init(response: HTTPClientResponse) {
        let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(response.body))
        let detail = envelope?.error
        code = response.status
        status = detail?.status.map(Self.clipped)
        reason = (detail?.errors?.lazy.compactMap(\.reason).first).map(Self.clipped)
        message =
            (detail?.message ?? detail?.errors?.lazy.compactMap(\.message).first).map(Self.clipped)
            ?? "HTTP \(response.status) without a Google error body"
    }

    /// Worth retrying with back-off: rate limits and server-side trouble, never client or permission errors.
    public var isTransient: Bool {
        if code == 429 || (500...599).contains(code) { return true }
        return ["rateLimitExceeded", "backendError", "internalError"].contains(reason ?? "")
    }

    public var description: String {
        var text = "Google API error \(code)"
        if let status { text += " \(status)" }
        if let reason { text += " (\(reason))" }
        return text + ": \(message)"
    }

    /// At most 300 printable characters: the message goes to logs.
    static func clipped(_ text: String) -> String {
        let printable = text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }
        return String(String.UnicodeScalarView(printable.prefix(300)))
    }

    private struct Envelope: Decodable {
        var error: Detail?
    }

    private struct Detail: Decodable {
        var code: Int?
        var message: String?
        var status: String?
        var errors: [Item]?
    }

    private struct Item: Decodable {
        var reason: String?
        var message: String?
    }
}
