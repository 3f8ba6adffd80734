/// The parts of a request URL the client needs without trusting libcurl's parser: the scheme (only HTTP(S) is
/// allowed), the host (to keep `verifyPeer: false` on loopback) and a form that is safe to put in error messages.
struct RequestURL: Sendable, Equatable {
    /// `http` or `https`, lower-cased.
    let scheme: String
    /// Lower-cased, without IPv6 brackets or port.
    let host: String
    /// `scheme://host[:port]/path`: no user info, query or fragment, which may hold credentials.
    let redacted: String
    /// The query and fragment, so error messages can be scrubbed of them.
    let secretParts: [String]

    init(_ url: String) throws(HTTPClientError) {
        guard !url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw .invalidRequest("URL contains whitespace or control characters")
        }
        guard let separator = url.firstRange(of: "://") else { throw .invalidRequest("URL has no scheme") }
        scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw .invalidRequest("URL scheme must be http or https") }

        let rest = url[separator.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        let afterAuthority = rest[authorityEnd...]
        let pathEnd = afterAuthority.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? afterAuthority.endIndex
        let path = afterAuthority[..<pathEnd]
        let secret = afterAuthority[pathEnd...].dropFirst()

        host = try Self.host(of: authority)
        redacted = "\(scheme)://\(authority)\(path)"
        secretParts = secret.split(whereSeparator: { "?#&".contains($0) }).map(String.init)
    }

    /// True for `localhost`, `127.0.0.0/8` and `::1`: the only hosts where skipping verification is tolerable.
    var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    private static func host(of authority: Substring) throws(HTTPClientError) -> String {
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidRequest("URL has a malformed host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw .invalidRequest("URL has no host") }
        return host.lowercased()
    }
}
