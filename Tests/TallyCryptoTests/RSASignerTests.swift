import Foundation
import Testing

@testable import TallyCrypto

@Suite struct RSASignerTests {
    let message = Array(#"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ0YWxseSJ9"#.utf8)

    /// Generates a key with the `openssl` CLI in PKCS#8 PEM, the form service-account JSON carries.
    private func generateKey(_ tool: OpenSSLTool, _ arguments: [String] = ["-algorithm", "RSA"]) throws -> String {
        let status = try tool.run(["genpkey"] + arguments + ["-out", tool.path("key.pem")]).status
        try #require(status == 0, "openssl genpkey failed")
        return try tool.read("key.pem")
    }

    @Test func signsAndVerifiesWithThePublicKey() throws {
        let tool = try OpenSSLTool.inTemporaryDirectory()
        defer { tool.cleanUp() }
        let pem = try generateKey(tool, ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
        #expect(pem.contains("BEGIN PRIVATE KEY"))
        let signer = try RSASigner(pemPrivateKey: pem)
        let signature = try signer.sign(message)
        #expect(signature.count == 256)
        #expect(signer.verify(signature, for: message))

        var tamperedMessage = message
        tamperedMessage[0] ^= 0x01
        #expect(!signer.verify(signature, for: tamperedMessage))
        var tamperedSignature = signature
        tamperedSignature[100] ^= 0x01
        #expect(!signer.verify(tamperedSignature, for: message))
    }

    /// PKCS#1 v1.5 is deterministic, so an independent implementation must produce the very same bytes, and must
    /// accept our signature with the public key alone.
    @Test func matchesAndVerifiesWithTheOpenSSLCommandLine() throws {
        let tool = try OpenSSLTool.inTemporaryDirectory()
        defer { tool.cleanUp() }
        let signer = try RSASigner(pemPrivateKey: try generateKey(tool))
        let signature = try signer.sign(message)
        try tool.write(message, to: "message")
        try tool.write(signature, to: "signature")

        let reference = try tool.run(["dgst", "-sha256", "-sign", tool.path("key.pem"), tool.path("message")])
        #expect(reference.status == 0)
        #expect(Array(reference.output) == signature)

        try tool.run(["pkey", "-in", tool.path("key.pem"), "-pubout", "-out", tool.path("public.pem")])
        let verify = ["dgst", "-sha256", "-verify", tool.path("public.pem"), "-signature", tool.path("signature")]
        #expect(try tool.run(verify + [tool.path("message")]).status == 0)
        try tool.write(message + [0x20], to: "other")
        #expect(try tool.run(verify + [tool.path("other")]).status != 0)
    }

    @Test func signsTheEmptyMessage() throws {
        let tool = try OpenSSLTool.inTemporaryDirectory()
        defer { tool.cleanUp() }
        let signer = try RSASigner(pemPrivateKey: try generateKey(tool))
        #expect(signer.verify(try signer.sign([]), for: []))
    }

    @Test func acceptsServiceAccountStyleKeyAndSharesAcrossTasks() async throws {
        let tool = try OpenSSLTool.inTemporaryDirectory()
        defer { tool.cleanUp() }
        let signer = try RSASigner(pemPrivateKey: try generateKey(tool))
        let message = message
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    signer.verify(try signer.sign(message + [UInt8(index)]), for: message + [UInt8(index)])
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == [Bool](repeating: true, count: 16))
    }

    @Test func rejectsUnusableKeys() throws {
        let tool = try OpenSSLTool.inTemporaryDirectory()
        defer { tool.cleanUp() }
        #expect(throws: CryptoError.invalidPrivateKey("not an unencrypted PEM private key")) {
            try RSASigner(pemPrivateKey: "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n")
        }
        #expect(throws: CryptoError.invalidPrivateKey("not an unencrypted PEM private key")) {
            try RSASigner(pemPrivateKey: "")
        }
        let ecKey = try generateKey(tool, ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
        #expect(throws: CryptoError.invalidPrivateKey("not an RSA key")) { try RSASigner(pemPrivateKey: ecKey) }
        let shortKey = try generateKey(tool, ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"])
        #expect(throws: CryptoError.invalidPrivateKey("RSA key shorter than 2048 bits")) {
            try RSASigner(pemPrivateKey: shortKey)
        }
    }

    @Test func refusesEncryptedKeysWithoutPrompting() throws {
        let tool = try OpenSSLTool.inTemporaryDirectory()
        defer { tool.cleanUp() }
        _ = try generateKey(tool)
        let status = try tool.run([
            "pkcs8", "-topk8", "-in", tool.path("key.pem"), "-out", tool.path("encrypted.pem"), "-passout",
            "pass:secret",
        ]).status
        try #require(status == 0)
        let encrypted = try tool.read("encrypted.pem")
        #expect(encrypted.contains("ENCRYPTED"))
        let error = #expect(throws: CryptoError.self) { try RSASigner(pemPrivateKey: encrypted) }
        #expect(error == .invalidPrivateKey("not an unencrypted PEM private key"))
    }
}
