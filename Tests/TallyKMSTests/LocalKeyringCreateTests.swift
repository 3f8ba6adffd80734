import Foundation
import Testing

@testable import TallyKMS

@Suite struct LocalKeyringCreateTests {
    @Test func createsAnOwnerOnlyKeyringWithOneKey() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try LocalKeyring.create(at: directory.file("keyring.json"))

        #expect(try directory.mode(of: "keyring.json") == 0o600)
        let json = try directory.keyringJSON("keyring.json")
        #expect(json["format"] as? String == "tally-keyring-v1")
        #expect(json["primary"] as? Int == 1)
        let entries = try #require(json["keys"] as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.first?["version"] as? Int == 1)
        #expect(entries.first?["created_at"] is String)
        let encodedKey = try #require(entries.first?["key"] as? String)
        let key = try #require(Data(base64Encoded: encodedKey))
        #expect(key.count == 32)
        #expect(try directory.entries() == ["keyring.json"])  // No temporary left behind.
        #expect(try LocalKeyring(path: directory.file("keyring.json")).primaryVersion == 1)
    }

    @Test func eachKeyringGetsItsOwnRandomKey() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try LocalKeyring.create(at: directory.file("a.json"))
        try LocalKeyring.create(at: directory.file("b.json"))
        #expect(try directory.keyringKeys("a.json")[1] != directory.keyringKeys("b.json")[1])
    }

    @Test func neverOverwritesAnExistingFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("keyring.json")
        try LocalKeyring.create(at: path)
        let original = try directory.read("keyring.json")

        #expect(throws: KMSError.keyringExists(path: path)) { try LocalKeyring.create(at: path) }
        #expect(try directory.read("keyring.json") == original)

        try directory.write("not a keyring", to: "other")
        #expect(throws: KMSError.keyringExists(path: directory.file("other"))) {
            try LocalKeyring.create(at: directory.file("other"))
        }
        #expect(try directory.read("other") == Array("not a keyring".utf8))
        #expect(try directory.entries() == ["keyring.json", "other"])
    }

    @Test func concurrentCreatorsLeaveExactlyOneKeyring() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("keyring.json")
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do {
                        try LocalKeyring.create(at: path)
                        return "created"
                    } catch {
                        return error as? KMSError == .keyringExists(path: path) ? "exists" : "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "created" }.count == 1)
        #expect(outcomes.filter { $0 == "exists" }.count == 7)
        #expect(try directory.entries() == ["keyring.json"])
    }

    @Test func reportsAnUnwritableLocation() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("missing/keyring.json")
        let error = #expect(throws: KMSError.self) { try LocalKeyring.create(at: path) }
        guard case .keyringUnwritable(let reportedPath, _) = error else {
            Issue.record("expected keyringUnwritable, got \(String(describing: error))")
            return
        }
        #expect(reportedPath == path)
    }
}
