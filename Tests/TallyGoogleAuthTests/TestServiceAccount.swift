import Foundation
import Synchronization
import TallyGoogleAuth

/// A throw-away service account: an RSA key made by `openssl genpkey` (once per test run) and a key file whose
/// `token_uri` points at a `GoogleDouble`. `remove()` deletes the directory.
struct TestServiceAccount {
    static let clientEmail = "tally-test@tally-test.iam.gserviceaccount.com"
    static let privateKeyID = "0123456789abcdef0123456789abcdef01234567"

    let directory: String
    let privateKeyPEM: String
    let tokenURI: String

    var keyPath: String { directory + "/key.pem" }
    var keyFilePath: String { directory + "/service-account.json" }
    var publicKeyPath: String { directory + "/public.pem" }

    /// Writes the key and a complete key file; `overrides` replace (or, with nil, remove) fields of the file.
    init(tokenURI: String, overrides: [String: String?] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "tally-gauth-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        privateKeyPEM = try Self.sharedKey()
        self.tokenURI = tokenURI
        try Data(privateKeyPEM.utf8).write(to: URL(filePath: keyPath))
        try Data(try keyFileJSON(overrides: overrides)).write(to: URL(filePath: keyFilePath))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func credentials() throws -> ServiceAccountCredentials {
        try ServiceAccountCredentials(contentsOfFile: keyFilePath)
    }

    /// The JSON of a key file as Google issues it, with `overrides` applied.
    func keyFileJSON(overrides: [String: String?] = [:]) throws -> [UInt8] {
        var fields: [String: String] = [
            "type": "service_account", "project_id": "tally-test", "private_key_id": Self.privateKeyID,
            "private_key": privateKeyPEM, "client_email": Self.clientEmail, "client_id": "1234567890",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": tokenURI,
            "universe_domain": "googleapis.com",
        ]
        for (name, value) in overrides { fields[name] = value }
        return Array(try JSONSerialization.data(withJSONObject: fields))
    }

    /// Checks an RS256 signature with `openssl dgst`, independently of the code under test.
    func verifySignature(_ signature: [UInt8], over message: [UInt8]) throws -> Bool {
        try Data(signature).write(to: URL(filePath: directory + "/signature.bin"))
        try Data(message).write(to: URL(filePath: directory + "/message.bin"))
        guard try Self.openssl(["pkey", "-in", keyPath, "-pubout", "-out", publicKeyPath]) == 0 else { return false }
        let arguments = [
            "dgst", "-sha256", "-verify", publicKeyPath, "-signature", directory + "/signature.bin",
            directory + "/message.bin",
        ]
        return try Self.openssl(arguments) == 0
    }

    private static let cachedKey = Mutex<String?>(nil)

    /// Key generation takes a moment, so one key serves every test in the run.
    private static func sharedKey() throws -> String {
        try cachedKey.withLock { cached in
            if let cached { return cached }
            let path = FileManager.default.temporaryDirectory.appending(path: "tally-gauth-key-\(UUID()).pem").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let status = try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path])
            guard status == 0 else { throw GoogleDouble.StartError(description: "openssl genpkey failed") }
            let pem = try String(contentsOfFile: path, encoding: .utf8)
            cached = pem
            return pem
        }
    }

    @discardableResult
    private static func openssl(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
