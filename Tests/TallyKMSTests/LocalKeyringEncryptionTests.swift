import Testing

@testable import TallyKMS

@Suite struct LocalKeyringEncryptionTests {
    let plaintext = Array("warehouse password: correct horse battery staple".utf8)
    let aad = AAD.make(tenantID: "acme", table: "warehouse_credentials", rowID: "9f86d081884c7d65")

    /// Runs `body` with a freshly created keyring in its own directory.
    private func withKeyring(_ body: (LocalKeyring, TemporaryDirectory) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try LocalKeyring.create(at: directory.file("keyring.json"))
        try body(try LocalKeyring(path: directory.file("keyring.json")), directory)
    }

    @Test func roundTripsThroughTheDocumentedEnvelope() throws {
        try withKeyring { keyring, _ in
            let ciphertext = try keyring.encrypt(plaintext, aad: aad)
            #expect(Array(ciphertext.prefix(3)) == [UInt8(ascii: "T"), UInt8(ascii: "K"), 1])
            #expect(Array(ciphertext[3..<7]) == [0, 0, 0, 1])
            #expect(ciphertext.count == plaintext.count + 35)
            #expect(try keyring.decrypt(ciphertext, aad: aad) == plaintext)
            #expect(try keyring.decrypt(keyring.encrypt([], aad: aad), aad: aad) == [])
        }
    }

    @Test func ciphertextRevealsNoPlaintextAndNeverRepeats() throws {
        try withKeyring { keyring, _ in
            let first = try keyring.encrypt(plaintext, aad: aad)
            let second = try keyring.encrypt(plaintext, aad: aad)
            #expect(first != second)  // Fresh nonce per encryption.
            for ciphertext in [first, second] {
                #expect(!ciphertext.containsRun(plaintext))
                #expect(!ciphertext.containsRun(Array("correct horse".utf8)))
            }
        }
    }

    @Test func ciphertextMovedToAnotherTenantTableOrRowFails() throws {
        try withKeyring { keyring, _ in
            let ciphertext = try keyring.encrypt(plaintext, aad: aad)
            let elsewhere = [
                AAD.make(tenantID: "globex", table: "warehouse_credentials", rowID: "9f86d081884c7d65"),
                AAD.make(tenantID: "acme", table: "api_keys", rowID: "9f86d081884c7d65"),
                AAD.make(tenantID: "acme", table: "warehouse_credentials", rowID: "9f86d081884c7d66"),
                [],
            ]
            for other in elsewhere {
                #expect(throws: KMSError.decryptionFailed) { try keyring.decrypt(ciphertext, aad: other) }
            }
        }
    }

    @Test func everyTamperedByteFails() throws {
        try withKeyring { keyring, _ in
            let ciphertext = try keyring.encrypt(plaintext, aad: aad)
            for index in ciphertext.indices {
                var tampered = ciphertext
                tampered[index] ^= 0x01
                let expected: KMSError =
                    switch index {
                    case 0..<3: .malformedCiphertext
                    case 3..<7: .unknownKeyVersion(1 ^ (1 << (8 * UInt32(6 - index))))
                    default: .decryptionFailed
                    }
                #expect(throws: expected, "byte \(index)") { try keyring.decrypt(tampered, aad: aad) }
            }
        }
    }

    @Test func truncatedOrForeignBytesAreMalformed() throws {
        try withKeyring { keyring, _ in
            let ciphertext = try keyring.encrypt(plaintext, aad: aad)
            for bytes in [[], Array(ciphertext.prefix(34)), plaintext] {
                #expect(throws: KMSError.malformedCiphertext) { try keyring.decrypt(bytes, aad: aad) }
            }
            #expect(throws: KMSError.decryptionFailed) { try keyring.decrypt(ciphertext.dropLast(), aad: aad) }
        }
    }

    @Test func anotherKeyringCannotDecrypt() throws {
        try withKeyring { keyring, directory in
            try LocalKeyring.create(at: directory.file("other.json"))
            let other = try LocalKeyring(path: directory.file("other.json"))
            let ciphertext = try keyring.encrypt(plaintext, aad: aad)
            #expect(throws: KMSError.decryptionFailed) { try other.decrypt(ciphertext, aad: aad) }
            #expect(try LocalKeyring(path: keyring.path).decrypt(ciphertext, aad: aad) == plaintext)
        }
    }

    @Test func isSafeToShareAcrossTasks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try LocalKeyring.create(at: directory.file("keyring.json"))
        let keyring = try LocalKeyring(path: directory.file("keyring.json"))
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let aad = AAD.make(tenantID: "t\(index % 4)", table: "secrets", rowID: String(index, radix: 16))
                    let plaintext = Array("secret \(index)".utf8)
                    return try keyring.decrypt(keyring.encrypt(plaintext, aad: aad), aad: aad) == plaintext
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == [Bool](repeating: true, count: 64))
    }
}
