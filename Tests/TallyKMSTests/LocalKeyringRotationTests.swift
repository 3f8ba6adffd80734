import Foundation
import Testing

@testable import TallyKMS

@Suite struct LocalKeyringRotationTests {
    let plaintext = Array("api token".utf8)
    let aad = AAD.make(tenantID: "acme", table: "secrets", rowID: "01")

    /// The key version recorded in a ciphertext's header (bytes 3..<7, big-endian).
    private func headerVersion(_ ciphertext: [UInt8]) -> UInt32 {
        ciphertext[3..<7].reduce(0) { $0 << 8 | UInt32($1) }
    }

    @Test func oldCiphertextsStillDecryptAndNewOnesUseTheNewKey() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try LocalKeyring.create(at: directory.file("keyring.json"))
        let keyring = try LocalKeyring(path: directory.file("keyring.json"))
        let before = try keyring.encrypt(plaintext, aad: aad)
        #expect(headerVersion(before) == 1)

        #expect(try keyring.rotate() == 2)
        #expect(keyring.primaryVersion == 2)
        let after = try keyring.encrypt(plaintext, aad: aad)
        #expect(headerVersion(after) == 2)
        #expect(try keyring.decrypt(before, aad: aad) == plaintext)
        #expect(try keyring.decrypt(after, aad: aad) == plaintext)

        #expect(try directory.mode(of: "keyring.json") == 0o600)
        #expect(try directory.keyringJSON("keyring.json")["primary"] as? Int == 2)
        let keys = try directory.keyringKeys("keyring.json")
        #expect(keys.keys.sorted() == [1, 2])
        #expect(keys[1] != keys[2])
        #expect(try directory.entries() == ["keyring.json"])
    }

    @Test func otherInstancesPickUpAKeyRotatedElsewhere() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("keyring.json")
        try LocalKeyring.create(at: path)
        let stale = try LocalKeyring(path: path)

        #expect(try LocalKeyring.rotate(at: path) == 2)
        let fresh = try LocalKeyring(path: path)
        let ciphertext = try fresh.encrypt(plaintext, aad: aad)
        #expect(headerVersion(ciphertext) == 2)
        #expect(stale.primaryVersion == 1)
        #expect(try stale.decrypt(ciphertext, aad: aad) == plaintext)  // Re-reads on meeting version 2.
        #expect(stale.primaryVersion == 2)
    }

    @Test func concurrentRotationsAllSurvive() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("keyring.json")
        try LocalKeyring.create(at: path)
        let versions = try await withThrowingTaskGroup(of: UInt32.self) { group in
            for _ in 0..<6 { group.addTask { try LocalKeyring.rotate(at: path) } }
            return try await group.reduce(into: [UInt32]()) { $0.append($1) }
        }
        #expect(versions.sorted() == [2, 3, 4, 5, 6, 7])
        #expect(try directory.keyringKeys("keyring.json").keys.sorted() == [1, 2, 3, 4, 5, 6, 7])
        #expect(try directory.keyringJSON("keyring.json")["primary"] as? Int == 7)
        #expect(try directory.entries() == ["keyring.json"])
    }

    @Test func refusesToRotateABadKeyring() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: KMSError.keyringMissing(path: directory.file("none.json"))) {
            try LocalKeyring.rotate(at: directory.file("none.json"))
        }
        try directory.write("{", to: "broken.json")
        #expect(throws: KMSError.keyringUnreadable(path: directory.file("broken.json"), reason: "not valid JSON")) {
            try LocalKeyring.rotate(at: directory.file("broken.json"))
        }
        #expect(try directory.read("broken.json") == Array("{".utf8))
        try LocalKeyring.create(at: directory.file("open.json"))
        try directory.setMode(0o644, of: "open.json")
        #expect(throws: KMSError.keyringInsecure(path: directory.file("open.json"), mode: 0o644)) {
            try LocalKeyring.rotate(at: directory.file("open.json"))
        }
    }

    @Test func aVersionRemovedFromTheFileIsReportedByNumber() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("keyring.json")
        try LocalKeyring.create(at: path)
        let old = try LocalKeyring(path: path).encrypt(plaintext, aad: aad)
        try LocalKeyring.rotate(at: path)
        let key2 = try #require(try directory.keyringKeys("keyring.json")[2])
        try directory.write(
            #"{"format":"tally-keyring-v1","primary":2,"keys":[{"version":2,"key":"\#(key2)"}]}"#, to: "keyring.json")
        #expect(throws: KMSError.unknownKeyVersion(1)) { try LocalKeyring(path: path).decrypt(old, aad: aad) }
    }
}
