import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The local BigQuery peer (`scripts/local-bigquery.sh`: PyPI local-bigquery on DuckDB), as
/// Tests/TallyBigQueryTests starts it: installed and started once per test process on a free port with a fresh
/// data directory, stopped when the process exits. It ignores bearer tokens, so authentication is checked
/// against the token double instead.
final class LocalBigQueryPeer: Sendable {
    static let project = "tally-test"
    let baseURL: String

    private init(port: Int) {
        baseURL = "http://127.0.0.1:\(port)"
    }

    private enum Availability: Sendable {
        case ready(LocalBigQueryPeer)
        /// Cannot run here (no ../shared requirements, no Python 3.13): tests are skipped, saying so.
        case unavailable(String)
        /// Installed but would not start: a real failure.
        case failed(String)
    }

    private static let shared: Availability = start()
    private static let startedPort = Mutex<Int?>(nil)
    private static let script = CostHarness.repository.appendingPathComponent("scripts/local-bigquery.sh").path

    /// The running peer; the calling test is cancelled (reported as skipped) when it cannot be installed here.
    static func require() throws -> LocalBigQueryPeer {
        switch shared {
        case .ready(let peer): return peer
        case .unavailable(let reason): try Test.cancel(Comment(rawValue: reason))
        case .failed(let reason):
            Issue.record(Comment(rawValue: reason))
            throw FixtureServer.StartError(description: reason)
        }
    }

    private static func start() -> Availability {
        let install = run(["install"])
        guard install.status == 0 else {
            let reason = install.output.split(separator: "\n").last.map(String.init) ?? "exit \(install.status)"
            return .unavailable("local BigQuery peer unavailable, export table tests skipped: \(reason)")
        }
        guard let port = freePort() else { return .failed("no free port for the local BigQuery peer") }
        let started = run(["start", String(port), NSTemporaryDirectory() + "tally-sources-lbq-\(getpid())-\(port)"])
        guard started.status == 0 else { return .failed("local BigQuery peer did not start: \(started.output)") }
        startedPort.withLock { $0 = port }
        atexit {
            guard let port = LocalBigQueryPeer.startedPort.withLock({ $0 }) else { return }
            _ = LocalBigQueryPeer.run(["stop", String(port)])
        }
        return .ready(LocalBigQueryPeer(port: port))
    }

    /// Runs the script with output to a file (the server it starts outlives it, so no pipe may be left open),
    /// through posix_spawn and waitpid as Tests/TallyBigQueryTests does.
    private static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "tally-sources-lbq-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv = (["/bin/bash", script] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", &actions, nil, &argv, environ) == 0 else { return (-1, "cannot run") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (status & 0x7F == 0 ? (status >> 8) & 0xFF : -1, output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A port the kernel just handed out on 127.0.0.1 (closed again for the peer to bind).
    static func freePort() -> Int? {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return nil }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
