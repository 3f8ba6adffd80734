import Foundation

/// A scratch directory per test, plus the file operations keyring tests need.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-kms-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String {
        path + "/" + name
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    func entries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    func mode(of name: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: file(name))
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o7777
    }

    func setMode(_ mode: Int, of name: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file(name))
    }

    func read(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: file(name))))
    }

    /// Writes `text` as `name` with owner-only permissions, as a hand-edited keyring would be.
    func write(_ text: String, to name: String, mode: Int = 0o600) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
        try setMode(mode, of: name)
    }

    /// The keyring file's JSON object.
    func keyringJSON(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(try read(name))) as? [String: Any] ?? [:]
    }

    /// The base64 key strings in a keyring file, by version.
    func keyringKeys(_ name: String) throws -> [Int: String] {
        let entries = try keyringJSON(name)["keys"] as? [[String: Any]] ?? []
        var keys: [Int: String] = [:]
        for entry in entries {
            if let version = entry["version"] as? Int, let key = entry["key"] as? String { keys[version] = key }
        }
        return keys
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs as a contiguous run.
    func containsRun(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
