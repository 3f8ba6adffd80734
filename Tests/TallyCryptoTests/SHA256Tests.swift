import Testing

@testable import TallyCrypto

@Suite struct SHA256Tests {
    // FIPS 180-2 / NIST CAVP vectors.
    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownVectors(input: String, expected: String) {
        #expect(SHA256.hexDigest(of: input) == expected)
        #expect(SHA256.hash(Array(input.utf8)) == Hex.decode(expected))
    }

    @Test func millionAs() {
        let digest = SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(Hex.encode(digest) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func digestIsThirtyTwoBytesAndLowercaseHex() {
        let hex = SHA256.hexDigest(of: "tally")
        #expect(SHA256.hash(Array("tally".utf8)).count == SHA256.byteCount)
        #expect(hex.count == 64)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func concurrentHashingSharesTheCachedDigest() async {
        let expected = SHA256.hexDigest(of: "abc")
        let results = await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 { group.addTask { SHA256.hexDigest(of: "abc") } }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0 == expected })
    }
}
