import Testing

@testable import TallyCrypto

@Suite struct AESGCMTests {
    let key = [UInt8](repeating: 0x42, count: 32)
    let nonce = [UInt8](repeating: 0x24, count: 12)
    let plaintext = Array("tenant secret: warehouse password".utf8)
    let aad = Array("tally/v1|tenant=acme|table=secrets|row=1".utf8)

    /// Test Case 16 of the GCM specification (McGrew & Viega), AES-256 with associated data.
    @Test func specificationTestCase16() throws {
        let key = try #require(Hex.decode("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"))
        let plaintext = try #require(
            Hex.decode(
                "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                    + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"))
        let aad = try #require(Hex.decode("feedfacedeadbeeffeedfacedeadbeefabaddad2"))
        let nonce = try #require(Hex.decode("cafebabefacedbaddecaf888"))
        let sealed = try AESGCM.seal(plaintext: plaintext, key: key, nonce: nonce, aad: aad)
        #expect(
            Hex.encode(sealed.ciphertext)
                == "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662")
        #expect(Hex.encode(sealed.tag) == "76fc6ece0f4e1768cddf8853bb2d551b")
        let opened = try AESGCM.open(ciphertext: sealed.ciphertext, tag: sealed.tag, key: key, nonce: nonce, aad: aad)
        #expect(opened == plaintext)
    }

    /// Test Cases 13 and 14: all-zero key and nonce, empty and one-block plaintext, no associated data.
    @Test func specificationTestCases13And14() throws {
        let zeroKey = [UInt8](repeating: 0, count: 32)
        let zeroNonce = [UInt8](repeating: 0, count: 12)
        let empty = try AESGCM.seal(plaintext: [], key: zeroKey, nonce: zeroNonce)
        #expect(empty.ciphertext.isEmpty)
        #expect(Hex.encode(empty.tag) == "530f8afbc74536b9a963b4f1c4cb738b")
        let block = try AESGCM.seal(plaintext: [UInt8](repeating: 0, count: 16), key: zeroKey, nonce: zeroNonce)
        #expect(Hex.encode(block.ciphertext) == "cea7403d4d606b6e074ec5d3baf39d18")
        #expect(Hex.encode(block.tag) == "d0d1c8a799996bf0265b98b5d48ab919")
    }

    @Test func roundTripsAndHidesThePlaintext() throws {
        let sealed = try AESGCM.seal(plaintext: plaintext, key: key, nonce: nonce, aad: aad)
        #expect(sealed.ciphertext.count == plaintext.count)
        #expect(sealed.tag.count == AESGCM.tagByteCount)
        #expect(sealed.ciphertext != plaintext)
        #expect(
            try AESGCM.open(ciphertext: sealed.ciphertext, tag: sealed.tag, key: key, nonce: nonce, aad: aad)
                == plaintext)
    }

    @Test func emptyPlaintextRoundTrips() throws {
        let sealed = try AESGCM.seal(plaintext: [], key: key, nonce: nonce, aad: aad)
        #expect(try AESGCM.open(ciphertext: [], tag: sealed.tag, key: key, nonce: nonce, aad: aad) == [])
    }

    @Test func everyTamperedCiphertextOrTagByteFails() throws {
        let sealed = try AESGCM.seal(plaintext: plaintext, key: key, nonce: nonce, aad: aad)
        for index in sealed.ciphertext.indices {
            var tampered = sealed.ciphertext
            tampered[index] ^= 0x01
            #expect(throws: CryptoError.authenticationFailed) {
                try AESGCM.open(ciphertext: tampered, tag: sealed.tag, key: key, nonce: nonce, aad: aad)
            }
        }
        for index in sealed.tag.indices {
            var tag = sealed.tag
            tag[index] ^= 0x80
            #expect(throws: CryptoError.authenticationFailed) {
                try AESGCM.open(ciphertext: sealed.ciphertext, tag: tag, key: key, nonce: nonce, aad: aad)
            }
        }
    }

    @Test func wrongAADKeyOrNonceFails() throws {
        let sealed = try AESGCM.seal(plaintext: plaintext, key: key, nonce: nonce, aad: aad)
        var otherKey = key
        otherKey[31] ^= 0x01
        var otherNonce = nonce
        otherNonce[0] ^= 0x01
        let attempts: [(key: [UInt8], nonce: [UInt8], aad: [UInt8])] = [
            (key, nonce, Array("tally/v1|tenant=other|table=secrets|row=1".utf8)),
            (key, nonce, []),
            (otherKey, nonce, aad),
            (key, otherNonce, aad),
        ]
        for attempt in attempts {
            #expect(throws: CryptoError.authenticationFailed) {
                try AESGCM.open(
                    ciphertext: sealed.ciphertext, tag: sealed.tag, key: attempt.key, nonce: attempt.nonce,
                    aad: attempt.aad)
            }
        }
    }

    @Test func rejectsWrongSizes() {
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 16)) {
            try AESGCM.seal(plaintext: plaintext, key: [UInt8](repeating: 0, count: 16), nonce: nonce)
        }
        #expect(throws: CryptoError.invalidNonceLength(expected: 12, actual: 16)) {
            try AESGCM.seal(plaintext: plaintext, key: key, nonce: [UInt8](repeating: 0, count: 16))
        }
        #expect(throws: CryptoError.invalidTagLength(expected: 16, actual: 12)) {
            try AESGCM.open(ciphertext: plaintext, tag: [UInt8](repeating: 0, count: 12), key: key, nonce: nonce)
        }
    }

    @Test func errorDescriptionsOmitKeysAndData() throws {
        let sealed = try AESGCM.seal(plaintext: plaintext, key: key, nonce: nonce, aad: aad)
        let error = #expect(throws: CryptoError.self) {
            try AESGCM.open(ciphertext: sealed.ciphertext, tag: sealed.tag, key: key, nonce: nonce, aad: [])
        }
        let description = String(describing: try #require(error))
        #expect(!description.contains(Hex.encode(key)))
        #expect(!description.contains("tenant secret"))
    }
}
