import Foundation
import TallyHTTPClient

#if canImport(Glibc)
    import Glibc
#endif

/// `Tests/Support/google-double.py` (Cloud KMS, OAuth2 token endpoint, metadata server) run by `python3` from PATH
/// on a free 127.0.0.1 port.
///
/// Create one per test and `defer { double.stop() }`; `deinit` stops it too, and the double exits by itself when
/// this process dies. Start-up waits at most 10 s.
final class GoogleDouble {
    struct StartError: Error, CustomStringConvertible {
        let description: String
    }

    /// One request as the double received it.
    struct RecordedRequest: Decodable {
        var method: String
        var path: String
        var query: String
        var headers: [String: String]
        var body: String
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    let baseURL: String
    /// `127.0.0.1:<port>`, the form `GCE_METADATA_HOST` takes.
    var hostAndPort: String { String(baseURL.dropFirst("http://".count)) }
    let client = HTTPClient(configuration: .init(connectTimeout: .seconds(2), timeout: .seconds(5)))
    private let process = Process()
    private let output = Pipe()

    init() throws {
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = ["python3", RepositoryPaths.root + "/Tests/Support/google-double.py", "0"]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard let line = Self.firstLine(of: output.fileHandleForReading.fileDescriptor, within: .seconds(10)),
            line.hasPrefix("http://127.0.0.1:")
        else {
            Self.kill(process)
            throw StartError(description: "google-double.py did not start within 10 s (is python3 on PATH?)")
        }
        baseURL = line
    }

    deinit {
        stop()
    }

    /// Kills the double (SIGKILL: it has nothing to flush); safe to call more than once.
    func stop() {
        Self.kill(process)
    }

    func url(_ path: String) -> String {
        baseURL + path
    }

    /// Sets test switches, e.g. `control(#"{"fail_next": [429]}"#)`; see the script's header for the list.
    func control(_ json: String) throws {
        let response = try client.execute(
            HTTPClientRequest(method: "POST", url: url("/__control"), body: Array(json.utf8)))
        guard response.status == 200 else { throw StartError(description: "control failed: \(response)") }
    }

    /// Every request received so far, oldest first.
    func requests() throws -> [RecordedRequest] {
        let response = try client.execute(HTTPClientRequest(url: url("/__requests")))
        return try JSONDecoder().decode([RecordedRequest].self, from: Data(response.body))
    }

    /// Received requests whose path ends with `suffix`, e.g. `":encrypt"` or `"/token"`.
    func requests(endingWith suffix: String) throws -> [RecordedRequest] {
        try requests().filter { $0.path.hasSuffix(suffix) }
    }

    /// Reads up to the first newline with `poll`, so a double that never prints cannot hang the test.
    private static func firstLine(of descriptor: Int32, within timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while ContinuousClock.now < deadline {
            var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&pollDescriptor, 1, 100) >= 0 else { return nil }
            guard pollDescriptor.revents != 0 else { continue }
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { return nil }
            bytes += buffer[0..<count]
            if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                return String(decoding: bytes[..<newline], as: UTF8.self)
            }
        }
        return nil
    }

    private static func kill(_ process: Process) {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
