import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Shared helpers for the deployment tests: repository paths, child processes, temp dirs, ports.
///
/// The tests shell out to the real tools (`nginx`, `openssl`, `systemd-analyze`, `curl`) exactly as an
/// operator would; `scripts/test.sh` installs them. A missing tool fails the test (it does not skip).
enum Deploy {
    /// The repository root, derived from this file's path (`Tests/DeploymentTests/Support.swift`).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // DeploymentTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static func repoPath(_ relative: String) -> String {
        repoRoot.appendingPathComponent(relative).path
    }

    /// Finds an executable on `PATH` or in the sbin directories (`nginx` is `/usr/sbin/nginx` on Debian and
    /// `/usr/sbin` is not on every user's `PATH`).
    static func tool(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for dir in dirs {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw DeployError.failed("required tool '\(name)' not found (scripts/test.sh installs it)")
    }

    /// A fresh, empty directory under the system temp dir; remove it with `cleanUp(_:)`.
    /// Short names on purpose: Unix socket paths inside it must stay below 108 bytes.
    static func makeTempDir(_ label: String) throws -> URL {
        let name = "tally-\(label)-\(UUID().uuidString.prefix(8))"
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanUp(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }

    /// Runs a program to completion and returns its exit status and combined stdout+stderr.
    @discardableResult
    static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        currentDirectory: URL? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let currentDirectory {
            process.currentDirectoryURL = currentDirectory
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try spawn(process)
        // Read before waiting: a child that fills the pipe buffer would otherwise block forever.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus,
            output: String(decoding: data, as: UTF8.self)
        )
    }

    /// Starts a long-running program with stdout+stderr appended to `logFile`.
    static func start(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        currentDirectory: URL? = nil,
        logFile: URL
    ) throws -> Process {
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let currentDirectory {
            process.currentDirectoryURL = currentDirectory
        }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try spawn(process)
        return process
    }

    /// `Process.run()` with an empty signal mask. Foundation's Process hands the CALLING thread's signal
    /// mask to the child, and Swift Testing's worker threads block most signals (SIGTERM, SIGINT, SIGUSR1,
    /// ...): a child started from a test would otherwise ignore SIGTERM. systemd and shells start
    /// processes with an empty mask, so this is what production looks like.
    static func spawn(_ process: Process) throws {
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }

    /// Sends SIGTERM and waits up to `timeout` seconds; SIGKILLs a process that does not stop.
    /// Returns true when the process exited on its own after SIGTERM within the timeout.
    @discardableResult
    static func stop(_ process: Process, timeout: TimeInterval = 10) -> Bool {
        guard process.isRunning else { return true }
        process.terminate()
        if waitForExit(process, timeout: timeout) { return true }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }

    static func waitForExit(_ process: Process, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            usleep(50_000)
        }
        if process.isRunning { return false }
        process.waitUntilExit()
        return true
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it back, close).
    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DeployError.failed("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw DeployError.failed("bind() to 127.0.0.1:0 failed: errno \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Creates a self-signed EC P-256 certificate for localhost / 127.0.0.1.
    static func makeSelfSignedCertificate(certificate: URL, key: URL) throws {
        let result = try run(
            try tool("openssl"),
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.path, "-out", certificate.path,
            ]
        )
        guard result.status == 0 else {
            throw DeployError.failed("openssl could not create a certificate:\n\(result.output)")
        }
    }

    /// Renders the development nginx config with `scripts/render-nginx-dev.sh`.
    static func renderDevNginx(
        prefix: URL,
        port: Int,
        upstreams: [String],
        environment: [String: String] = [:]
    ) throws -> ProcessResult {
        try run(
            "/bin/bash",
            [repoPath("scripts/render-nginx-dev.sh"), prefix.path, String(port)] + upstreams,
            environment: environment
        )
    }

    /// `nginx -t` against a prefix: `-e` keeps nginx away from the root-only default error log.
    static func nginxTest(prefix: URL) throws -> ProcessResult {
        try run(
            try tool("nginx"),
            ["-t", "-p", prefix.path + "/", "-c", "conf/nginx.conf", "-e", "logs/error.log"]
        )
    }
}

extension Deploy {
    /// One HTTPS request through curl (`-k`: the development certificate is self-signed).
    /// `status` is 0 when no HTTP response arrived (e.g. connection refused).
    static func request(
        _ url: String,
        method: String = "GET",
        bodyFile: URL? = nil,
        headers: [String] = [],
        scratch: URL
    ) throws -> HTTPResult {
        let id = UUID().uuidString
        let headerFile = scratch.appendingPathComponent("h-\(id)")
        let bodyOut = scratch.appendingPathComponent("b-\(id)")
        defer {
            try? FileManager.default.removeItem(at: headerFile)
            try? FileManager.default.removeItem(at: bodyOut)
        }
        var arguments = [
            "-sk", "--max-time", "20", "-X", method, "-D", headerFile.path, "-o", bodyOut.path, "-w", "%{http_code}",
        ]
        if let bodyFile {
            arguments += ["--data-binary", "@\(bodyFile.path)", "-H", "Content-Type: application/json"]
        }
        for header in headers {
            arguments += ["-H", header]
        }
        let result = try run(try tool("curl"), arguments + [url])
        let headerText = (try? String(contentsOf: headerFile, encoding: .utf8)) ?? ""
        var parsed: [(name: String, value: String)] = []
        for line in headerText.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix("HTTP/") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            parsed.append((name, value))
        }
        return HTTPResult(
            status: Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0,
            headers: parsed,
            body: (try? String(contentsOf: bodyOut, encoding: .utf8)) ?? ""
        )
    }

    /// Polls `url` until any HTTP response arrives (nginx is up), `server` exits, or `timeout` passes.
    static func waitForHTTP(_ url: String, server: Process, scratch: URL, timeout: TimeInterval = 10) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && server.isRunning {
            if try request(url, scratch: scratch).status != 0 { return true }
            usleep(100_000)
        }
        return false
    }
}

struct HTTPResult {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: String

    /// All values of a header (names compared case-insensitively).
    func values(_ name: String) -> [String] {
        headers.filter { $0.name == name.lowercased() }.map(\.value)
    }
}

struct ProcessResult {
    var status: Int32
    var output: String
}

enum DeployError: Error, CustomStringConvertible {
    case failed(String)

    var description: String {
        switch self {
        case .failed(let message): message
        }
    }
}
