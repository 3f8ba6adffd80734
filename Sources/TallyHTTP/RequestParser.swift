#if canImport(Glibc)
    import Glibc
#endif

/// Turns FastCGI params (raw bytes, as libfcgi hands them over) into a `RequestHead`, or the 4xx error
/// the client gets. Pure, so it is unit-tested and fuzzed without libfcgi.
///
/// It runs for every request, so it reads the params it needs by name from `CGIParams` and builds only the
/// values the head keeps (no dictionary of params, no intermediate strings).
public struct RequestParser: Sendable {
    public var maxBodyBytes: Int
    public var maxPathBytes: Int

    public init(maxBodyBytes: Int = 1 << 20, maxPathBytes: Int = 2048) {
        self.maxBodyBytes = maxBodyBytes
        self.maxPathBytes = maxPathBytes
    }

    /// Parses params given as a dictionary (tests, tools); the same rules as `parseHead(_:)`.
    public func parseHead(params: [String: [UInt8]]) -> Result<RequestHead, ParseFailure> {
        parseHead(CGIParams(params))
    }

    /// Parses the params; `requestID` in a failure's response is the id this request will carry.
    public func parseHead(_ params: CGIParams) -> Result<RequestHead, ParseFailure> {
        let requestID = RequestID.accepting(bytes: params.value("HTTP_X_REQUEST_ID"))
        func fail(_ error: APIError) -> Result<RequestHead, ParseFailure> {
            .failure(ParseFailure(error: error, requestID: requestID))
        }
        guard let method = Self.method(params.value("REQUEST_METHOD")) else {
            return fail(.badRequest(code: "invalid_method", "The request method is missing or malformed."))
        }
        let rawURI = params.value("REQUEST_URI") ?? params.value("DOCUMENT_URI") ?? params.value("SCRIPT_NAME") ?? []
        let target: RequestTarget
        switch RequestTarget.parse(rawURI, maxPathBytes: maxPathBytes) {
        case .success(let parsed): target = parsed
        case .failure(let error): return fail(error)
        }
        let lengthBytes = params.value("CONTENT_LENGTH") ?? []
        guard let contentLength = Self.contentLength(lengthBytes) else {
            return fail(.badRequest(code: "invalid_content_length", "CONTENT_LENGTH is not a number."))
        }
        var headers = HTTPHeaders(minimumCapacity: 8)
        for (name, value) in params where Self.isHeader(name) {
            // nginx's request id is both a header and `requestID`: one string serves both.
            if ASCIIBytes.equals(name, "HTTP_X_REQUEST_ID"), ASCIIBytes.equals(value, string: requestID) {
                headers.add(name: "X-Request-Id", value: requestID)
                continue
            }
            guard let text = ASCIIBytes.string(validating: value) else {
                return fail(.badRequest(code: "invalid_header", "A request header is not valid UTF-8."))
            }
            headers.add(name: Self.headerName(fromParam: name), value: text)
        }
        let head = RequestHead(
            method: method,
            path: target.path,
            pathSegments: target.segments,
            query: target.query,
            headers: headers,
            requestID: requestID,
            remoteAddress: params.value("REMOTE_ADDR").map { String(decoding: $0, as: UTF8.self) } ?? "",
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

    /// Whether the parser reads the param called `name`: the `HTTP_*` headers and seven CGI variables. The
    /// server copies only these out of libfcgi, about half of the ~25 params nginx sends.
    public static func reads(param name: UnsafeBufferPointer<UInt8>) -> Bool {
        func equals(_ text: StaticString) -> Bool {
            name.count == text.utf8CodeUnitCount && memcmp(name.baseAddress!, text.utf8Start, name.count) == 0
        }
        // Headers first: `HTTP_ACCEPT` and `HTTP_X_API_KEY` have the lengths of CGI variables below.
        if name.count >= 5 && memcmp(name.baseAddress!, "HTTP_", 5) == 0 { return true }
        switch name.count {
        case 11: return equals("REQUEST_URI") || equals("REMOTE_ADDR") || equals("SCRIPT_NAME")
        case 12: return equals("DOCUMENT_URI") || equals("CONTENT_TYPE")
        case 14: return equals("REQUEST_METHOD") || equals("CONTENT_LENGTH")
        default: return false
        }
    }

    /// The method when it is present and only `A`–`Z` (so it needs no upper-casing).
    private static func method(_ bytes: ArraySlice<UInt8>?) -> HTTPMethod? {
        guard let bytes, !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        return HTTPMethod(uppercased: String(decoding: bytes, as: UTF8.self))
    }

    /// `CONTENT_LENGTH` as a number: 0 when empty, nil unless it is at most 18 ASCII digits.
    private static func contentLength(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// `HTTP_*` params are the request's headers; `CONTENT_TYPE` is the one header CGI passes without prefix.
    private static func isHeader(_ name: ArraySlice<UInt8>) -> Bool {
        ASCIIBytes.hasPrefix(name, "HTTP_") || ASCIIBytes.equals(name, "CONTENT_TYPE")
    }

    /// `HTTP_X_API_KEY` → `X-Api-Key`; `CONTENT_TYPE` → `Content-Type`.
    static func headerName(fromParam name: String) -> String {
        headerName(fromParam: ArraySlice(name.utf8))
    }

    /// The byte form, written straight into the string's storage: it runs for every header of every request.
    static func headerName(fromParam name: ArraySlice<UInt8>) -> String {
        let bytes = ASCIIBytes.hasPrefix(name, "HTTP_") ? name.dropFirst(5) : name
        return String(unsafeUninitializedCapacity: bytes.count) { output in
            var startOfWord = true
            for (index, byte) in zip(output.indices, bytes) {
                if byte == 0x5F {
                    output[index] = 0x2D
                    startOfWord = true
                } else {
                    output[index] = !startOfWord && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    startOfWord = false
                }
            }
            return bytes.count
        }
    }
}

/// A parse error together with the request id its response must carry.
public struct ParseFailure: Error, Sendable, Equatable {
    public var error: APIError
    public var requestID: String
}
