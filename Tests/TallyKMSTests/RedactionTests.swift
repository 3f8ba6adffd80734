import Foundation
import Testing

@testable import TallyKMS

/// Errors and descriptions end up in logs and API responses, so none may carry key material or plaintext.
@Suite struct RedactionTests {
    @Test func errorsAndDescriptionsNeverContainKeysOrPlaintext() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("keyring.json")
        try LocalKeyring.create(at: path)
        let keyring = try LocalKeyring(path: path)
        let keyBase64 = try #require(try directory.keyringKeys("keyring.json")[1])
        let keyBytes = try #require(Data(base64Encoded: keyBase64))
        let secretText = "sk_live_do_not_log_me"
        let aad = AAD.make(tenantID: "acme", table: "secrets", rowID: "01")
        let ciphertext = try keyring.encrypt(Array(secretText.utf8), aad: aad)

        var errors: [any Error] = []
        func capture(_ body: () throws -> Void) {
            do { try body() } catch { errors.append(error) }
        }
        capture {
            _ = try keyring.decrypt(ciphertext, aad: AAD.make(tenantID: "globex", table: "secrets", rowID: "01"))
        }
        capture { _ = try keyring.decrypt(Array(ciphertext.dropLast(20)), aad: aad) }
        capture { _ = try keyring.decrypt(Array(secretText.utf8), aad: aad) }
        // Keyrings whose bad values are (or embed) the real key: the reasons must name fields, not quote them.
        let truncatedKey = keyBytes.prefix(31).base64EncodedString()
        try directory.write(
            #"{"format":"tally-keyring-v1","primary":1,"keys":[{"version":1,"key":"\#(truncatedKey)"}]}"#, to: "short")
        capture { _ = try LocalKeyring(path: directory.file("short")) }
        try directory.write(
            #"{"format":"tally-keyring-v1","primary":1,"keys":[{"version":"\#(keyBase64)","key":"\#(keyBase64)"}]}"#,
            to: "type")
        capture { _ = try LocalKeyring(path: directory.file("type")) }
        try directory.write(#"{"format":"\#(keyBase64)","primary":1,"keys":[]}"#, to: "format")
        capture { _ = try LocalKeyring(path: directory.file("format")) }
        try directory.write(
            #"{"format":"tally-keyring-v1","primary":1,"keys":[{"version":1,"key":"\#(keyBase64)"#, to: "cut")
        capture { _ = try LocalKeyring(path: directory.file("cut")) }
        try directory.setMode(0o644, of: "keyring.json")
        capture { _ = try LocalKeyring(path: path) }
        #expect(errors.count == 8)

        let forbidden = [keyBase64, String(keyBase64.prefix(16)), truncatedKey, hex(keyBytes), secretText]
        let texts =
            errors.flatMap { [String(describing: $0), String(reflecting: $0), $0.localizedDescription] }
            + [String(describing: keyring), String(reflecting: keyring)]
        for text in texts {
            for secret in forbidden {
                #expect(!text.contains(secret), "\(text) leaks secret material")
            }
        }
    }

    private func hex(_ data: Data) -> String {
        data.map { String(format: "%02x", $0) }.joined()
    }
}
