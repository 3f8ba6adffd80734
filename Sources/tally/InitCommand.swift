import ArgumentParser
import Foundation
import TallyCrypto
import TallyKMS

#if canImport(Glibc)
    import Glibc
#endif

/// `tally init`: prepares `$TALLY_HOME` — the state directory, the keyring and the operator's admin key.
/// Idempotent: existing files are never replaced.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the state directory, keyring and admin key if missing.")

    func run() throws {
        let home = ProcessInfo.processInfo.environment["TALLY_HOME"] ?? ".tally"
        let files = FileManager.default
        try files.createDirectory(
            atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let keyring = home + "/keyring.json"
        if !files.fileExists(atPath: keyring) {
            try LocalKeyring.create(at: keyring)
            print("created keyring \(keyring)")
        }
        let adminKey = home + "/admin-key"
        let adminHash = home + "/admin-key.sha256"
        if !files.fileExists(atPath: adminKey) {
            let key = "tally_admin_" + (try SecureRandom.base62(count: 40))
            try write(key + "\n", to: adminKey)
            try write(SHA256.hexDigest(of: key) + "\n", to: adminHash)
            print("created admin key \(adminKey) (its SHA-256 in \(adminHash))")
        } else if !files.fileExists(atPath: adminHash) {
            let key = try String(contentsOfFile: adminKey, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            try write(SHA256.hexDigest(of: key) + "\n", to: adminHash)
        }
    }

    /// Secrets are created 0600 from the first byte (O_EXCL: never replacing a file), never widened later.
    private func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SettingsError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count, fsync(fd) == 0 else {
            throw SettingsError("cannot write \(path)")
        }
    }
}
