import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Opens the listening socket ourselves rather than through `FCGX_OpenSocket`, which silently unlinks
/// whatever file is at the path, takes its mode from the umask and calls `exit()` on failure.
enum ListenSocket {
    static let systemdFirstFD: Int32 = 3

    /// Returns the listening file descriptor and whether this process created it (and may remove it).
    static func open(_ address: ListenAddress, environment: [String: String]) throws(ListenError) -> (Int32, Bool) {
        switch address {
        case .systemd:
            guard let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
                let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1
            else {
                throw ListenError(
                    message: "no socket from systemd (LISTEN_FDS/LISTEN_PID unset): pass --listen PATH or HOST:PORT")
            }
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_FDNAMES")
            return (systemdFirstFD, false)
        case .unix(let path):
            return (try openUnix(path), true)
        case .tcp(let host, let port):
            return (try openTCP(host: host, port: port), true)
        }
    }

    private static func openUnix(_ path: String) throws(ListenError) -> Int32 {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else {
                throw ListenError(message: "\(path) exists and is not a socket; refusing to replace it")
            }
            unlink(path)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw ListenError(message: "socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListenError(message: "socket(): \(String(cString: strerror(errno)))") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw failure("bind \(path)", fd) }
        // nginx connects as another user in its group; nobody else may.
        guard chmod(path, 0o660) == 0 else { throw failure("chmod \(path)", fd) }
        guard listen(fd, 1024) == 0 else { throw failure("listen \(path)", fd) }
        return fd
    }

    private static func openTCP(host: String, port: UInt16) throws(ListenError) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw ListenError(message: "not an IPv4 address: \(host)")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListenError(message: "socket(): \(String(cString: strerror(errno)))") }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw failure("bind \(host):\(port)", fd) }
        guard listen(fd, 1024) == 0 else { throw failure("listen \(host):\(port)", fd) }
        return fd
    }

    private static func failure(_ what: String, _ fd: Int32) -> ListenError {
        let message = "\(what): \(String(cString: strerror(errno)))"
        close(fd)
        return ListenError(message: message)
    }

    /// Whether `fd` is a socket at all; libfcgi would otherwise fail every accept with ENOTSOCK.
    static func isSocket(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK
    }
}
