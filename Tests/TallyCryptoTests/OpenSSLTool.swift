import Foundation

/// Runs the `openssl` command-line tool, an implementation independent of the code under test.
struct OpenSSLTool {
    let directory: URL

    /// A fresh temporary directory for key and signature files, removed by `cleanUp()`.
    static func inTemporaryDirectory() throws -> OpenSSLTool {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tally-crypto-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return OpenSSLTool(directory: directory)
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Runs `openssl arguments...` and returns its exit status and standard output.
    @discardableResult
    func run(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }

    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }
}
