/// Collects one transfer's response from libcurl's callbacks: header lines and body bytes, with the size limit.
///
/// libcurl reports every response it reads on the connection (`100 Continue`, other `1xx`, then the final one),
/// each starting with a status line; only the last block of headers is kept.
final class ResponseAccumulator {
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var body: [UInt8] = []
    /// Set when the body would have exceeded the limit; the transfer is then aborted.
    private(set) var exceededLimit = false
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes one raw header line, CRLF included.
    func receiveHeaderLine(_ raw: String) {
        var line = Substring(raw)
        // "\r\n" is one Character, hence `isNewline` rather than comparing with "\r" and "\n".
        while let last = line.last, last.isNewline {
            line.removeLast()
        }
        if line.hasPrefix("HTTP/") {
            headers.removeAll(keepingCapacity: true)
        } else if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
            // Obsolete line folding: a continuation of the previous value.
            headers[headers.count - 1].value += " " + Self.trimmed(line)
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            headers.append((name: name, value: Self.trimmed(line[line.index(after: colon)...])))
        }
    }

    /// Appends body bytes; false (and nothing appended) once the total would exceed the limit.
    func receiveBody(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count <= limit - body.count else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    func response(status: Int) -> HTTPClientResponse {
        HTTPClientResponse(status: status, headers: headers, body: body)
    }

    private static func trimmed(_ text: Substring) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = text.firstIndex(where: { !isBlank($0) }), let end = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(text[start...end])
    }
}
