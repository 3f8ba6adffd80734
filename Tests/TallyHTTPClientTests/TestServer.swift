import Foundation

/// A local server for the client tests: `TestServerScript` run by `python3` on a free 127.0.0.1 port.
///
/// Create one per test and `defer { server.stop() }`; `deinit` stops it too. Start-up waits at most 10 s.
final class TestServer {
    struct StartError: Error, CustomStringConvertible {
        let description: String
    }

    /// `http://127.0.0.1:<port>` or `https://...`, without a trailing slash.
    let baseURL: String
    let port: Int
    private let process = Process()
    private let directory: URL

    /// Starts the server; with `certificate`, it serves TLS with that certificate.
    init(certificate: SelfSignedCertificate? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "tally-http-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appending(path: "server.py")
        let portFile = directory.appending(path: "port")
        try TestServerScript.source.write(to: script, atomically: true, encoding: .utf8)

        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = ["python3", script.path, portFile.path]
        if let certificate {
            process.arguments! += [certificate.certificatePath, certificate.keyPath]
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()

        let deadline = ContinuousClock.now + .seconds(10)
        var port: Int?
        while port == nil {
            port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0) }
            guard port != nil || (process.isRunning && ContinuousClock.now < deadline) else {
                Self.kill(process)
                try? FileManager.default.removeItem(at: directory)
                throw StartError(description: "test server did not start (is python3 installed?)")
            }
            if port == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        self.port = port!
        baseURL = "\(certificate == nil ? "http" : "https")://127.0.0.1:\(self.port)"
    }

    deinit {
        stop()
    }

    /// Kills the server (SIGKILL: nothing to flush) and removes its files; safe to call more than once.
    func stop() {
        Self.kill(process)
        try? FileManager.default.removeItem(at: directory)
    }

    /// `baseURL` + `path`, e.g. `url("/echo?status=201")`.
    func url(_ path: String) -> String {
        baseURL + path
    }

    private static func kill(_ process: Process) {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
