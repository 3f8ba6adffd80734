import Foundation
import TallyHTTPClient

/// The OpenAI/Anthropic stand-in (`Tests/Support/llm_cost_fixture_server.py`) on a free 127.0.0.1 port,
/// serving `scenario`. Start-up waits at most 10 s; `stop()` (or deinit) kills it and removes its files.
final class FixtureServer {
    struct StartError: Error, CustomStringConvertible {
        let description: String
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Support/llm_cost_fixture_server.py").path

    let baseURL: String
    private let process = Process()
    private let directory: URL

    init(scenario: [String: Any]) throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "tally-llm-fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scenarioFile = directory.appending(path: "scenario.json")
        try JSONSerialization.data(withJSONObject: scenario).write(to: scenarioFile)
        let portFile = directory.appending(path: "port")
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = [
            "python3", Self.script, portFile.path, scenarioFile.path, directory.appending(path: "requests.jsonl").path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(10)
        var port: Int?
        while port == nil {
            port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0) }
            guard port != nil || (process.isRunning && ContinuousClock.now < deadline) else {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                try? FileManager.default.removeItem(at: directory)
                throw StartError(description: "fixture server did not start (is python3 installed?)")
            }
            if port == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        baseURL = "http://127.0.0.1:\(port!)"
    }

    deinit {
        stop()
    }

    private var logFile: URL { directory.appending(path: "requests.jsonl") }

    /// Requests received so far: path, query (name → values) and whether the credentials matched.
    var requests: [(path: String, query: [String: [String]], authorized: Bool)] {
        guard let text = try? String(contentsOf: logFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let path = object["path"] as? String
            else { return nil }
            return (path, object["query"] as? [String: [String]] ?? [:], object["authorized"] as? Bool ?? false)
        }
    }

    /// Replaces the data and faults the server answers with (between two runs: restated days, a new fault).
    func replaceScenario(_ scenario: [String: Any]) throws {
        let request = HTTPClientRequest(
            method: "POST", url: baseURL + "/__fixture/scenario",
            headers: [(name: "Content-Type", value: "application/json")],
            body: Array(try JSONSerialization.data(withJSONObject: scenario)))
        let response = try HTTPClient().execute(request)
        guard response.status == 200 else { throw StartError(description: "fixture refused the scenario") }
    }

    /// Kills the server (SIGKILL: nothing to flush) and removes its files; safe to call more than once.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
