import Foundation

/// A throwaway P-256 certificate for `127.0.0.1`, made with the `openssl` command line tool.
///
/// The certificate names the IP only (its SAN wins over the CN), so clients must connect to `127.0.0.1`.
struct SelfSignedCertificate {
    let certificatePath: String
    let keyPath: String

    /// Writes `cert.pem` and `key.pem` into `directory`.
    init(in directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificatePath = directory.appending(path: "cert.pem").path
        keyPath = directory.appending(path: "key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(filePath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", keyPath, "-out", certificatePath,
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            throw TestServer.StartError(description: "openssl req failed with status \(openssl.terminationStatus)")
        }
    }
}
