import Foundation
import TallyHTTPClient
import Testing

@testable import TallyWarehouse

#if canImport(Glibc)
    import Glibc
#endif

/// The local BigQuery peer (`scripts/local-bigquery.sh`: PyPI local-bigquery on DuckDB), installed and
/// started once per test process on a free port with a fresh data directory, stopped when the process exits.
final class LocalBigQuery: Sendable {
    static let project = "tally-test"
    static let location = "US"
    let port: Int

    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int) {
        self.port = port
    }

    private enum Availability: Sendable {
        case ready(LocalBigQuery)
        /// Cannot run here (no shared/ requirements, no Python 3.13, install failed): tests are skipped.
        case unavailable(String)
        /// Installed but would not start: a real failure.
        case failed(String)
    }

    private static let shared: Availability = start()
    private static let startedPort = Locked<Int?>(nil)
    static let http = HTTPClient(configuration: BigQueryWarehouse.httpConfiguration)

    /// The running peer. A test that needs it is cancelled (reported as skipped) with a plain reason when the
    /// peer cannot be installed on this machine.
    static func require() throws -> LocalBigQuery {
        switch shared {
        case .ready(let peer): return peer
        case .unavailable(let reason): try Test.cancel(Comment(rawValue: reason))
        case .failed(let reason):
            Issue.record(Comment(rawValue: reason))
            throw PeerFailure(reason: reason)
        }
    }

    /// A warehouse on the peer with short waits and an optional request observer.
    func warehouse(
        options: BigQueryWarehouse.Options = LocalBigQuery.options, observer: BigQueryClient.Observer? = nil
    ) -> BigQueryWarehouse {
        BigQueryWarehouse(
            project: Self.project, location: Self.location, baseURL: baseURL, tokens: StaticTokenSource(),
            client: Self.http, maximumBytesBilled: 10_000_000_000, options: options, observer: observer)
    }

    static var options: BigQueryWarehouse.Options {
        var options = BigQueryWarehouse.Options()
        options.jobTimeout = .seconds(60)
        options.queryWait = .seconds(2)
        options.conflictAttempts = 40
        return options
    }

    /// A dataset name no other test uses.
    static func datasetName(_ prefix: String = "t") -> String {
        "\(prefix)_\(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF)"
    }

    private static func start() -> Availability {
        let clock = ContinuousClock()
        let installStart = clock.now
        let install = run(["install"])
        guard install.status == 0 else {
            let reason = install.output.split(separator: "\n").last.map(String.init) ?? "exit \(install.status)"
            return .unavailable("local BigQuery peer unavailable, BigQuery integration tests skipped: \(reason)")
        }
        let installed = clock.now - installStart
        guard let port = freePort() else { return .failed("no free port for the local BigQuery peer") }
        let dataDirectory = NSTemporaryDirectory() + "tally-lbq-\(getpid())-\(port)"
        let startStart = clock.now
        let started = run(["start", String(port), dataDirectory])
        guard started.status == 0 else { return .failed("local BigQuery peer did not start: \(started.output)") }
        startedPort.withLock { $0 = port }
        atexit { LocalBigQuery.stopAtExit() }
        print("local BigQuery peer: install step \(installed), start \(clock.now - startStart), port \(port)")
        return .ready(LocalBigQuery(port: port))
    }

    private static func stopAtExit() {
        guard let port = startedPort.value else { return }
        _ = run(["stop", String(port)])
    }

    /// Runs the script; returns its exit status and its output (stdout and stderr, through a file: the
    /// server it starts outlives it). posix_spawn and waitpid rather than Foundation's Process, whose
    /// `waitUntilExit` was seen never to reap the script inside the test runner.
    private static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "tally-lbq-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ["/bin/bash", RepositoryPaths.script] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, &cArguments, environ)
        guard spawned == 0 else { return (-1, "cannot run \(RepositoryPaths.script): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7F == 0
        return (exited ? (status >> 8) & 0xFF : -1, output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A port the kernel just handed out on 127.0.0.1 (closed again for the peer to bind).
    private static func freePort() -> Int? {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return nil }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}

struct PeerFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
