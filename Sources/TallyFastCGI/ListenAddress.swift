/// Where the responder listens: the socket systemd hands over, a unix socket path, or a loopback TCP port.
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The socket passed by systemd socket activation (`LISTEN_FDS`/`LISTEN_PID`, fd 3).
    case systemd
    case unix(path: String)
    case tcp(host: String, port: UInt16)

    /// Parses `--listen`: `HOST:PORT` for TCP, anything else is a unix socket path.
    public init(parsing text: String) throws(ListenError) {
        if let colon = text.lastIndex(of: ":"), !text.contains("/"),
            let port = UInt16(text[text.index(after: colon)...])
        {
            let host = String(text[..<colon])
            guard host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]" else {
                // libfcgi has had parsing CVEs; only nginx on this host may ever reach the socket.
                throw ListenError(message: "refusing to listen on \(host): only loopback TCP is allowed")
            }
            self = .tcp(host: host == "localhost" ? "127.0.0.1" : host, port: port)
        } else if text.hasPrefix("/") || text.hasPrefix(".") {
            self = .unix(path: text)
        } else {
            throw ListenError(message: "--listen takes a socket path or 127.0.0.1:PORT, not '\(text)'")
        }
    }

    public var description: String {
        switch self {
        case .systemd: "systemd socket (fd 3)"
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): "\(host):\(port)"
        }
    }
}

/// The listening socket could not be set up; the message says why and is shown to the operator.
public struct ListenError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
