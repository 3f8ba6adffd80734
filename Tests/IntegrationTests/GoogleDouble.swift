import Foundation
import TallyHTTPClient

#if canImport(Glibc)
    import Glibc
#endif

/// `Tests/Support/google-double.py` as a subprocess: Cloud KMS, OAuth token and metadata endpoints
/// following Google's wire format, with switches to inject faults.
final class GoogleDouble: @unchecked Sendable {
    let process = Process()
    let baseURL: String
    let client = HTTPClient()

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Cluster.repoRoot + "/Tests/Support/google-double.py", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var line: [UInt8] = []
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        baseURL = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        guard baseURL.hasPrefix("http://127.0.0.1:") else { throw ClusterError("google double did not start") }
    }

    deinit {
        // SIGKILL: a child inherits the test runner's signal mask, in which SIGTERM may be blocked.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var hostAndPort: String { String(baseURL.dropFirst("http://".count)) }

    /// A token from the metadata endpoint, as a workload on GCE would get one.
    func token() throws -> String {
        let response = try client.execute(
            HTTPClientRequest(
                url: baseURL + "/computeMetadata/v1/instance/service-accounts/default/token",
                headers: [("Metadata-Flavor", "Google")]))
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard let token = json?["access_token"] as? String else { throw ClusterError("no token from the double") }
        return token
    }

    /// Creates a key ring and an ENCRYPT_DECRYPT key; returns the key's full name.
    func createKey(project: String = "tally-test", ring: String = "tally", key: String = "tenants") throws -> String {
        let token = try token()
        let parent = "projects/\(project)/locations/global"
        for (url, body) in [
            ("\(baseURL)/v1/\(parent)/keyRings?keyRingId=\(ring)", "{}"),
            (
                "\(baseURL)/v1/\(parent)/keyRings/\(ring)/cryptoKeys?cryptoKeyId=\(key)",
                #"{"purpose":"ENCRYPT_DECRYPT"}"#
            ),
        ] {
            let response = try client.execute(
                HTTPClientRequest(
                    method: "POST", url: url,
                    headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                    body: Array(body.utf8)))
            guard response.status == 200 else { throw ClusterError("creating \(url): \(response.status)") }
        }
        return "\(parent)/keyRings/\(ring)/cryptoKeys/\(key)"
    }

    func control(_ switches: [String: Any]) throws {
        _ = try client.execute(
            HTTPClientRequest(
                method: "POST", url: baseURL + "/__control", headers: [("Content-Type", "application/json")],
                body: Array(try JSONSerialization.data(withJSONObject: switches))))
    }

    /// Paths of the KMS calls received so far.
    func kmsCalls() throws -> [String] {
        let response = try client.execute(HTTPClientRequest(url: baseURL + "/__requests"))
        let requests = try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] ?? []
        return requests.compactMap { $0["path"] as? String }.filter { $0.hasPrefix("/v1/") }
    }
}
