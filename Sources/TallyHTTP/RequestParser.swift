/// Turns FastCGI params (raw bytes, as libfcgi hands them over) into a `RequestHead`, or the 4xx error
/// the client gets. Pure, so it is unit-tested and fuzzed without libfcgi.
public struct RequestParser: Sendable {
    public var maxBodyBytes: Int
    public var maxPathBytes: Int

    public init(maxBodyBytes: Int = 1 << 20, maxPathBytes: Int = 2048) {
        self.maxBodyBytes = maxBodyBytes
        self.maxPathBytes = maxPathBytes
    }

    /// Parses the params; `requestID` in a thrown error's response is the id this request will carry.
    public func parseHead(params: [String: [UInt8]]) -> Result<RequestHead, ParseFailure> {
        let requestID = RequestID.accepting(
            params["HTTP_X_REQUEST_ID"].flatMap { String(validating: $0, as: UTF8.self) })
        func fail(_ error: APIError) -> Result<RequestHead, ParseFailure> {
            .failure(ParseFailure(error: error, requestID: requestID))
        }
        guard let methodBytes = params["REQUEST_METHOD"], let method = String(validating: methodBytes, as: UTF8.self),
            !method.isEmpty, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A })
        else {
            return fail(.badRequest(code: "invalid_method", "The request method is missing or malformed."))
        }
        let rawURI = params["REQUEST_URI"] ?? params["DOCUMENT_URI"] ?? params["SCRIPT_NAME"] ?? []
        let target: RequestTarget
        switch RequestTarget.parse(rawURI, maxPathBytes: maxPathBytes) {
        case .success(let parsed): target = parsed
        case .failure(let error): return fail(error)
        }
        var contentLength = 0
        let lengthBytes = params["CONTENT_LENGTH"] ?? []
        if !lengthBytes.isEmpty {
            guard lengthBytes.count <= 18, lengthBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(String(decoding: lengthBytes, as: UTF8.self))
            else {
                return fail(.badRequest(code: "invalid_content_length", "CONTENT_LENGTH is not a number."))
            }
            contentLength = value
        }
        var headers: [String: String] = [:]
        for (name, value) in params where name.hasPrefix("HTTP_") || name == "CONTENT_TYPE" {
            guard let text = String(validating: value, as: UTF8.self) else {
                return fail(.badRequest(code: "invalid_header", "A request header is not valid UTF-8."))
            }
            headers[Self.headerName(fromParam: name)] = text
        }
        let head = RequestHead(
            method: HTTPMethod(rawValue: method),
            path: target.path,
            pathSegments: target.segments,
            query: target.query,
            headers: headers,
            requestID: requestID,
            remoteAddress: params["REMOTE_ADDR"].map { String(decoding: $0, as: UTF8.self) } ?? "",
            contentLength: contentLength,
            hasContentLength: !lengthBytes.isEmpty
        )
        if contentLength > maxBodyBytes {
            return fail(
                APIError(
                    .payloadTooLarge, code: "payload_too_large",
                    "The request body exceeds \(maxBodyBytes) bytes."))
        }
        return .success(head)
    }

    /// `HTTP_X_API_KEY` → `X-Api-Key`; `CONTENT_TYPE` → `Content-Type`. One pass over the bytes: it runs
    /// for every header of every request.
    static func headerName(fromParam name: String) -> String {
        var bytes = Array(name.utf8)
        if bytes.starts(with: [0x48, 0x54, 0x54, 0x50, 0x5F]) { bytes.removeFirst(5) }
        var startOfWord = true
        for index in bytes.indices {
            let byte = bytes[index]
            if byte == 0x5F {
                bytes[index] = 0x2D
                startOfWord = true
            } else {
                if !startOfWord, byte >= 0x41, byte <= 0x5A { bytes[index] = byte | 0x20 }
                startOfWord = false
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A parse error together with the request id its response must carry.
public struct ParseFailure: Error, Sendable, Equatable {
    public var error: APIError
    public var requestID: String
}
