import Foundation
import Synchronization
import TallyHTTPClient

#if canImport(Glibc)
    import Glibc
#endif

/// `Tests/Support/google-double.py` as the tenant's OAuth2 token endpoint: it checks the JWT grant a
/// service-account key makes (RS256 header, issuer, scope, audience, times) and issues tokens. Stopped by
/// deinit (SIGKILL: the runner may block SIGTERM in its children); it also exits when this process dies.
final class GoogleTokenDouble {
    let baseURL: String
    private let process = Process()
    private let client = HTTPClient()

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CostHarness.repository.path + "/Tests/Support/google-double.py", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = Self.firstLine(of: output.fileHandleForReading.fileDescriptor, within: .seconds(10))
        baseURL = line ?? ""
        guard baseURL.hasPrefix("http://127.0.0.1:") else {
            throw FixtureServer.StartError(description: "google-double.py did not start (is python3 on PATH?)")
        }
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A service-account key file's JSON, as Google issues it, whose `token_uri` is this double.
    func serviceAccountKey(project: String) throws -> String {
        let fields: [String: String] = [
            "type": "service_account", "project_id": project, "private_key_id": "0123456789abcdef",
            "private_key": try Self.privateKey(), "client_email": "tally-reader@\(project).iam.gserviceaccount.com",
            "client_id": "1234567890", "token_uri": baseURL + "/token",
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
    }

    /// The token grants received so far (`POST /token`), each as its form body.
    func tokenRequests() throws -> [String] {
        let response = try client.execute(HTTPClientRequest(url: baseURL + "/__requests"))
        let requests = try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] ?? []
        return requests.filter { $0["path"] as? String == "/token" }.compactMap { $0["body"] as? String }
    }

    /// Reads up to the first newline with poll and read (EINTR-tolerant, unlike `availableData`), so a double
    /// that never prints cannot hang the test.
    private static func firstLine(of descriptor: Int32, within timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while ContinuousClock.now < deadline {
            var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&pollDescriptor, 1, 100) >= 0 || errno == EINTR else { return nil }
            guard pollDescriptor.revents != 0 else { continue }
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            bytes += buffer[0..<count]
            if let newline = bytes.firstIndex(of: 0x0A) { return String(decoding: bytes[..<newline], as: UTF8.self) }
        }
        return nil
    }

    private static let key = Mutex<String?>(nil)

    /// A 2048-bit RSA key from `openssl genpkey`, made once per test process.
    private static func privateKey() throws -> String {
        try key.withLock { cached in
            if let cached { return cached }
            let path = NSTemporaryDirectory() + "tally-sources-key-\(UUID().uuidString).pem"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            openssl.arguments = [
                "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path,
            ]
            openssl.standardOutput = FileHandle.nullDevice
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            let pem = try String(contentsOfFile: path, encoding: .utf8)
            cached = pem
            return pem
        }
    }
}
