import Foundation
import TallyHTTPClient

#if canImport(Glibc)
    import Glibc
#endif

/// A real deployment on loopback: two `tally serve` processes on unix sockets behind a real nginx
/// terminating TLS on a free port, in a temporary directory. Requests go through libcurl with the
/// generated certificate verified.
final class Cluster: @unchecked Sendable {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    let home: String
    let port: Int
    let adminKey: String
    let client: HTTPClient
    var instances: [String: Process] = [:]
    private var nginx: Process?
    private let environment: [String: String]
    private let serveArguments: [String]

    /// The tally binary: `TALLY_BIN`, else the debug build next to the tests.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["TALLY_BIN"] { return path }
        return repoRoot + "/.build/debug/tally"
    }

    /// The warehouse the cluster runs on. `.bigquery` starts the local BigQuery peer and the Google double
    /// (for metadata-server tokens) beside it.
    enum Mode: String, CaseIterable, Sendable, CustomStringConvertible {
        case sqlite, bigquery
        var description: String { rawValue }
    }

    let mode: Mode
    private var bigQuery: (peer: BigQueryPeer, double: GoogleDouble)?

    /// A cluster in `mode`; nil for `.bigquery` where the peer cannot be installed (the reason is printed).
    static func make(_ mode: Mode, extraEnvironment: [String: String] = [:]) throws -> Cluster? {
        guard mode == .bigquery else { return try Cluster(extraEnvironment: extraEnvironment) }
        guard let peer = try BigQueryPeer.start() else { return nil }
        let double = try GoogleDouble()
        let cluster = try Cluster(
            mode: .bigquery,
            extraEnvironment: [
                "TALLY_WAREHOUSE": "bigquery", "TALLY_BQ_PROJECT": BigQueryPeer.project,
                "BIGQUERY_EMULATOR_HOST": "http://127.0.0.1:\(peer.port)", "GCE_METADATA_HOST": double.hostAndPort,
            ].merging(extraEnvironment) { $1 })
        cluster.bigQuery = (peer, double)
        return cluster
    }

    init(mode: Mode = .sqlite, extraEnvironment: [String: String] = [:], serveArguments: [String] = []) throws {
        self.mode = mode
        home = NSTemporaryDirectory() + "tally-it-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home + "/run", withIntermediateDirectories: true)
        port = try Self.freePort()
        var environment = ProcessInfo.processInfo.environment
        environment["TALLY_HOME"] = home
        environment["TALLY_CONFIGS"] = Self.repoRoot + "/configs"
        environment["TALLY_LOG_LEVEL"] = "warning"
        // Google settings of the machine running the tests must not leak into the cluster.
        for name in ["GOOGLE_APPLICATION_CREDENTIALS", "GCE_METADATA_HOST", "TALLY_KMS", "TALLY_WAREHOUSE"] {
            environment[name] = nil
        }
        environment.merge(extraEnvironment) { $1 }
        try Self.run(Self.binary, ["init"], environment: environment)
        adminKey = try String(contentsOfFile: home + "/admin-key", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        environment["TALLY_ADMIN_KEY_SHA256"] = try String(contentsOfFile: home + "/admin-key.sha256", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        self.environment = environment
        self.serveArguments = serveArguments
        client = HTTPClient(
            configuration: .init(
                connectTimeout: .seconds(5), timeout: .seconds(30), caFile: home + "/nginx/conf/dev.crt"))
        for name in ["1", "2"] { try startInstance(name) }
        try Self.run(
            Self.repoRoot + "/scripts/render-nginx-dev.sh",
            [home + "/nginx", String(port), socket("1"), socket("2")], environment: environment)
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        nginx.arguments = [
            "-p", home + "/nginx/", "-c", "conf/nginx.conf", "-e", "logs/error.log", "-g", "daemon off;",
        ]
        try nginx.run()
        self.nginx = nginx
        try waitUntil("nginx answers") { (try? self.get("/health"))?.status == 200 }
    }

    deinit {
        stop()
    }

    func socket(_ name: String) -> String { home + "/run/\(name).sock" }

    func startInstance(_ name: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "--listen", socket(name), "--instance", name, "--workers", "4"] + serveArguments
        process.environment = environment
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        instances[name] = process
        try waitUntil("instance \(name) listens") { FileManager.default.fileExists(atPath: self.socket(name)) }
    }

    /// Sends a signal to an instance and waits for it to exit; returns its exit status.
    @discardableResult
    func signal(_ name: String, _ signal: Int32) -> Int32 {
        guard let process = instances[name] else { return -1 }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        instances[name] = nil
        return process.terminationStatus
    }

    func stop() {
        for name in Array(instances.keys) { signal(name, SIGKILL) }
        if let nginx, nginx.isRunning {
            // nginx resets its signal mask, so SIGTERM works (and lets it stop its workers).
            nginx.terminate()
            nginx.waitUntilExit()
        }
        nginx = nil
        bigQuery?.peer.stop()
        bigQuery = nil
        try? FileManager.default.removeItem(atPath: home)
    }

    // MARK: Requests

    struct Reply {
        var status: Int
        var json: [String: Any]
        var response: HTTPClientResponse

        var error: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    func request(
        _ method: String, _ path: String, apiKey: String? = nil, admin: Bool = false, body: Any? = nil,
        rawBody: [UInt8]? = nil, headers: [(String, String)] = []
    ) throws -> Reply {
        var allHeaders = headers
        if let apiKey { allHeaders.append(("X-API-Key", apiKey)) }
        if admin { allHeaders.append(("X-Admin-Key", adminKey)) }
        var bytes = rawBody
        if let body { bytes = Array(try JSONSerialization.data(withJSONObject: body)) }
        if bytes != nil { allHeaders.append(("Content-Type", "application/json")) }
        let response = try client.execute(
            HTTPClientRequest(method: method, url: "https://127.0.0.1:\(port)\(path)", headers: allHeaders, body: bytes)
        )
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return Reply(status: response.status, json: json, response: response)
    }

    func get(_ path: String, apiKey: String? = nil) throws -> Reply {
        try request("GET", path, apiKey: apiKey)
    }

    func onboard(_ tenant: String) throws -> String {
        let reply = try request("POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": tenant])
        guard reply.status == 201, let key = reply.json["api_key"] as? String else {
            throw ClusterError("onboarding \(tenant): \(reply.status) \(reply.json)")
        }
        return key
    }

    /// Polls a run until it ends.
    func waitForRun(_ id: String, apiKey: String) throws -> [String: Any] {
        var last: [String: Any] = [:]
        // A run on the BigQuery peer is a series of jobs, each polled; on a loaded 2-core CI machine, with other
        // suites running beside this one, 20 s was seen to be too short for it (the run itself succeeds).
        try waitUntil("run \(id) ends", timeout: mode == .bigquery ? 120 : 20) {
            last = (try? self.get("/api/v1/pipelines/runs/\(id)", apiKey: apiKey))?.json ?? [:]
            return ["SUCCESS", "FAILED", "CANCELLED"].contains(last["status"] as? String ?? "")
        }
        return last
    }

    // MARK: Helpers

    func waitUntil(_ what: String, timeout: Double = 20, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return }
            usleep(50_000)
        }
        throw ClusterError("timed out waiting until \(what)")
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        let status = try status(executable, arguments, environment: environment)
        guard status == 0 else { throw ClusterError("\(executable) \(arguments.first ?? "") exited \(status)") }
    }

    /// Runs a command to completion and returns its exit status; its output is discarded. posix_spawn and
    /// waitpid, since a server the command leaves running would keep Foundation's pipes (and
    /// `waitUntilExit`) from finishing.
    static func status(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw ClusterError("cannot start \(executable): \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    static func freePort() throws -> Int {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw ClusterError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct ClusterError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
