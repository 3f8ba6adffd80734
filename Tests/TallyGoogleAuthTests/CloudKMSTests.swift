import TallyGoogleAuth
import TallyHTTPClient
import TallyKMS
import Testing

/// `CloudKMS` against the double: round trips bound to AAD, and every failure mapped onto `KMSError`.
@Suite struct CloudKMSTests {
    let secret = Array(#"{"type":"service_account","private_key":"tenant-secret"}"#.utf8)
    let aad = AAD.make(tenantID: "acme", table: "credentials", rowID: "01J")

    @Test func roundTripWithAAD() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let kms = try fixture.kms()
        let ciphertext = try kms.encrypt(secret, aad: aad)
        #expect(!ciphertext.isEmpty && ciphertext != secret)
        #expect(try kms.encrypt(secret, aad: aad) != ciphertext, "ciphertexts are randomized")
        #expect(try kms.decrypt(ciphertext, aad: aad) == secret)
        #expect(try kms.decrypt(try kms.encrypt([], aad: []), aad: []) == [])
    }

    @Test func wrongAADOrTamperingFailsDecryption() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let kms = try fixture.kms()
        let ciphertext = try kms.encrypt(secret, aad: aad)
        let otherRow = AAD.make(tenantID: "globex", table: "credentials", rowID: "01J")
        #expect(throws: KMSError.decryptionFailed) { try kms.decrypt(ciphertext, aad: otherRow) }
        #expect(throws: KMSError.decryptionFailed) { try kms.decrypt(ciphertext, aad: []) }
        var tampered = ciphertext
        tampered[tampered.count / 2] ^= 1
        #expect(throws: KMSError.decryptionFailed) { try kms.decrypt(tampered, aad: aad) }
    }

    @Test func rateLimitThenSuccessIsRetried() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let kms = try fixture.kms()
        try fixture.double.control(#"{"fail_next": [429]}"#)
        let ciphertext = try kms.encrypt(secret, aad: aad)
        #expect(try fixture.bodies("encrypt").count == 2)
        try fixture.double.control(#"{"fail_next": [503]}"#)
        #expect(try kms.decrypt(ciphertext, aad: aad) == secret)
    }

    @Test func persistentUnavailabilityIsUnavailable() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let kms = try fixture.kms()
        try fixture.double.control(#"{"fail_next": [503, 503, 503]}"#)
        let error = try #require(throws: KMSError.self) { try kms.encrypt(secret, aad: aad) }
        guard case .unavailable(let reason) = error else {
            Issue.record("expected .unavailable, got \(error)")
            return
        }
        #expect(reason.contains("503"))
        #expect(try fixture.bodies("encrypt").count == 3, "fastRetry allows three attempts")
    }

    @Test func unreachableKMSOrTokenServiceIsUnavailable() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let unreachable = try fixture.kms(endpoint: "http://127.0.0.1:1")
        #expect(try Self.isUnavailable { try unreachable.encrypt(secret, aad: aad) })

        let noTokens = CachedTokenSource(try MetadataTokenSource(host: "127.0.0.1:1", client: fixture.double.client))
        let withoutTokens = try fixture.kms(tokens: noTokens)
        #expect(try Self.isUnavailable { try withoutTokens.encrypt(secret, aad: aad) })
        #expect(try Self.isUnavailable { try withoutTokens.decrypt(secret, aad: aad) })
    }

    @Test func rejectedTokenTwiceIsUnavailable() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let kms = try fixture.kms(tokens: BogusTokenSource())
        #expect(try Self.isUnavailable { try kms.encrypt(secret, aad: aad) })
        #expect(try fixture.bodies("encrypt").count == 2)
    }

    @Test func corruptedChecksumIsDetectedAndRetriedOnce() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let kms = try fixture.kms()
        try fixture.double.control(#"{"corrupt_crc": 1}"#)
        let ciphertext = try kms.encrypt(secret, aad: aad)
        #expect(try fixture.bodies("encrypt").count == 2, "one corrupted answer, discarded and retried")
        try fixture.double.control(#"{"corrupt_crc": 1}"#)
        #expect(try kms.decrypt(ciphertext, aad: aad) == secret)
        #expect(try fixture.bodies("decrypt").count == 2)

        try fixture.double.control(#"{"corrupt_crc": true}"#)
        #expect(try Self.isUnavailable { try kms.encrypt(secret, aad: aad) })
        #expect(try Self.isUnavailable { try kms.decrypt(ciphertext, aad: aad) })
        #expect(try fixture.bodies("encrypt").count == 4 && fixture.bodies("decrypt").count == 4, "at most one retry")
    }

    @Test func unverifiedRequestChecksumsAreDiscarded() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let kms = try fixture.kms()
        try fixture.double.control(#"{"unverified_crc": true}"#)
        #expect(try Self.isUnavailable { try kms.encrypt(secret, aad: aad) })
        try fixture.double.control(#"{"unverified_crc": false}"#)
        #expect(throws: Never.self) { try kms.encrypt(secret, aad: aad) }
    }

    @Test func missingKeyAndBadNamesAreNotRetryable() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let missing = "projects/tally-test/locations/europe-west1/keyRings/tally/cryptoKeys/nope"
        let kms = try fixture.kms(keyName: missing)
        #expect(throws: KMSError.keyringMissing(path: missing)) { try kms.encrypt(secret, aad: aad) }
        #expect(try fixture.bodies("encrypt").count == 1)
        try fixture.double.control(#"{"fail_next": [403]}"#)
        let denied = try #require(throws: KMSError.self) { try fixture.kms().encrypt(secret, aad: aad) }
        guard case .keyringUnreadable(KMSFixture.keyName, let reason) = denied else {
            Issue.record("expected .keyringUnreadable, got \(denied)")
            return
        }
        #expect(reason.contains("403 PERMISSION_DENIED"))
        #expect(try fixture.bodies("encrypt").count == 2, "not retried")

        for name in [
            "", "projects/p/locations/l/keyRings/r", KMSFixture.keyName + "/cryptoKeyVersions/1",
            "projects/p/locations/l/keyRings/r/cryptoKeys/k?x=1", "projects/p/locations/l/keyRings//cryptoKeys/k",
            "projects/p/locations/../keyRings/r/cryptoKeys/k", "projects/p/locations/l/keyRings/r/cryptoKeys/k%2F",
        ] {
            #expect(throws: KMSError.self) { try fixture.kms(keyName: name) }
        }
        #expect(throws: KMSError.self) { try fixture.kms(endpoint: "http://cloudkms.googleapis.com") }
        #expect(throws: Never.self) { try fixture.kms(endpoint: "https://cloudkms.googleapis.com/") }
    }

    static func isUnavailable(_ body: () throws -> [UInt8]) throws -> Bool {
        do {
            _ = try body()
            return false
        } catch KMSError.unavailable {
            return true
        }
    }
}
