/// The request target (`REQUEST_URI`) split into decoded path segments and query parameters.
///
/// Decoding rules are strict on purpose: path segments name tenants, providers and templates, so a
/// segment that decodes to `.`/`..`, contains `/`, a control character or invalid UTF-8 is refused here,
/// before any handler can turn it into a file path or a table name.
struct RequestTarget: Sendable, Equatable {
    var path: String
    var segments: [String]
    var query: [String: String]

    static func parse(_ raw: ArraySlice<UInt8>, maxPathBytes: Int) -> Result<RequestTarget, APIError> {
        let questionMark = raw.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = raw[..<(questionMark ?? raw.endIndex)]
        let rawQuery = questionMark.map { raw[raw.index(after: $0)...] } ?? []
        guard rawPath.count <= maxPathBytes, raw.count <= maxPathBytes * 4 else {
            return .failure(APIError(.uriTooLong, code: "uri_too_long", "The request path is too long."))
        }
        guard rawPath.first == UInt8(ascii: "/") else {
            return .failure(.badRequest(code: "invalid_path", "The request path must start with '/'."))
        }
        var segments: [String] = []
        // Whether the raw path spells the decoded path exactly (no escapes, no empty segments): then the path
        // string is the raw bytes, with no join.
        var isCanonical = true
        var start = rawPath.index(after: rawPath.startIndex)
        while true {
            let end = rawPath[start...].firstIndex(of: UInt8(ascii: "/")) ?? rawPath.endIndex
            let rawSegment = rawPath[start..<end]
            if rawSegment.isEmpty {
                if !(end == rawPath.endIndex && segments.isEmpty) { isCanonical = false }
            } else if let segment = plainSegment(rawSegment) {
                guard segment != ".", segment != ".." else {
                    return .failure(.badRequest(code: "invalid_path", "The request path is malformed."))
                }
                segments.append(segment)
            } else {
                isCanonical = false
                guard let segment = PercentDecoding.decode(rawSegment, plusAsSpace: false),
                    segment != ".", segment != "..", !segment.utf8.contains(UInt8(ascii: "/")),
                    !segment.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
                else {
                    return .failure(.badRequest(code: "invalid_path", "The request path is malformed."))
                }
                segments.append(segment)
            }
            guard end < rawPath.endIndex else { break }
            start = rawPath.index(after: end)
        }
        let path = isCanonical ? String(decoding: rawPath, as: UTF8.self) : "/" + segments.joined(separator: "/")
        var query: [String: String] = [:]
        for pair in rawQuery.split(separator: UInt8(ascii: "&")) where !pair.isEmpty {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(parts[0], plusAsSpace: true),
                let value = PercentDecoding.decode(parts.count > 1 ? parts[1] : [], plusAsSpace: true)
            else {
                return .failure(.badRequest(code: "invalid_query", "The query string is malformed."))
            }
            if query[name] == nil { query[name] = value }
        }
        return .success(RequestTarget(path: path, segments: segments, query: query))
    }

    /// A segment of printable ASCII without `%` needs no decoding (the common case): it is returned as is.
    private static func plainSegment(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer where byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "%") { return nil }
            return String(decoding: buffer, as: UTF8.self)
        }
    }
}

/// RFC 3986 percent-decoding into UTF-8; `nil` for a bad escape or invalid UTF-8.
enum PercentDecoding {
    static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes, plusAsSpace: Bool) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue)
                else { return nil }
                output.append(high << 4 | low)
            case UInt8(ascii: "+") where plusAsSpace:
                output.append(UInt8(ascii: " "))
            default:
                output.append(byte)
            }
        }
        return String(validating: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
