/// Where credentials may be sent. Bearer tokens and signed JWT assertions are usable by whoever sees them, so they
/// travel only over TLS, or over plain HTTP to this host (local test doubles, emulators).
public enum EndpointSecurity {
    /// True for `https://` URLs with a host, and `http://` URLs whose host is `localhost`, `127.x.y.z` or `[::1]`.
    public static func allowsCredentials(to url: String) -> Bool {
        let lowered = url.lowercased()
        let scheme = lowered.prefix { $0 != ":" }
        guard lowered.dropFirst(scheme.count).hasPrefix("://") else { return false }
        let authority = String(lowered.dropFirst(scheme.count + 3).prefix { !"/?#".contains($0) })
        guard !authority.isEmpty, !authority.contains("@") else { return false }
        switch scheme {
        case "https": return true
        case "http": return isLoopback(host: host(of: authority))
        default: return false
        }
    }

    /// The host of `host[:port]` or `[v6]:port`, brackets kept for IPv6.
    static func host(of authority: String) -> String {
        if authority.hasPrefix("[") {
            return authority.firstIndex(of: "]").map { String(authority[...$0]) } ?? authority
        }
        return String(authority.prefix { $0 != ":" })
    }

    /// Literal loopback addresses only: a name such as `127.example.com` resolves wherever its owner likes.
    static func isLoopback(host: String) -> Bool {
        if host == "localhost" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127"
            && parts.allSatisfy { part in
                part.count <= 3 && part.allSatisfy { $0.isASCII && $0.isNumber } && UInt8(part) != nil
            }
    }
}
