import Testing

@testable import TallyKMS

@Suite struct LocalKeyringLoadTests {
    private static let validKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  // Bytes 0...31.

    @Test func missingFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for path in [directory.file("keyring.json"), directory.file("no/such/dir/keyring.json")] {
            #expect(throws: KMSError.keyringMissing(path: path)) { try LocalKeyring(path: path) }
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o606, 0o666, 0o610, 0o601])
    func refusesGroupOrOtherAccess(mode: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("keyring.json")
        try LocalKeyring.create(at: path)
        try directory.setMode(mode, of: "keyring.json")
        #expect(throws: KMSError.keyringInsecure(path: path, mode: mode)) { try LocalKeyring(path: path) }
    }

    @Test(arguments: [0o600, 0o400])
    func acceptsOwnerOnlyModes(mode: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try LocalKeyring.create(at: directory.file("keyring.json"))
        try directory.setMode(mode, of: "keyring.json")
        #expect(try LocalKeyring(path: directory.file("keyring.json")).primaryVersion == 1)
    }

    @Test func insecureModeIsReportedInOctal() {
        let description = KMSError.keyringInsecure(path: "/etc/tally/keyring.json", mode: 0o644).description
        #expect(description.contains("0644"))
        #expect(description.contains("/etc/tally/keyring.json"))
    }

    @Test func aDirectoryIsNotAKeyring() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: KMSError.keyringUnreadable(path: directory.path, reason: "not a regular file")) {
            try LocalKeyring(path: directory.path)
        }
    }

    @Test(arguments: [
        ("", "not valid JSON"),
        ("{\"format\": ", "not valid JSON"),
        ("[]", "not a JSON object"),
        (#"{"format":"tally-keyring-v1","keys":[]}"#, "missing field \"primary\""),
        (#"{"format":"tally-keyring-v1","primary":"1","keys":[]}"#, "field \"primary\" has the wrong type"),
        (#"{"format":"tally-keyring-v9","primary":1,"keys":[]}"#, "unsupported format (expected tally-keyring-v1)"),
        (#"{"format":"tally-keyring-v1","primary":1,"keys":[]}"#, "no keys"),
        (
            #"{"format":"tally-keyring-v1","primary":1,"keys":[{"version":1,"key":"AAEC"}]}"#,
            "key version 1 is not 32 bytes of base64"
        ),
        (
            #"{"format":"tally-keyring-v1","primary":1,"keys":[{"version":1,"key":"!!"}]}"#,
            "key version 1 is not 32 bytes of base64"
        ),
        (
            #"{"format":"tally-keyring-v1","primary":2,"keys":[{"version":1,"key":"\#(validKey)"}]}"#,
            "primary version 2 has no key"
        ),
        (
            #"{"format":"tally-keyring-v1","primary":0,"keys":[{"version":0,"key":"\#(validKey)"}]}"#,
            "key version 0 is not allowed"
        ),
        (
            #"{"format":"tally-keyring-v1","primary":1,"keys":[{"version":1,"key":"\#(validKey)"},"#
                + #"{"version":1,"key":"\#(validKey)"}]}"#, "duplicate key version 1"
        ),
    ])
    func malformedKeyringsAreUnreadable(contents: String, reason: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("keyring.json")
        try directory.write(contents, to: "keyring.json")
        #expect(throws: KMSError.keyringUnreadable(path: path, reason: reason)) { try LocalKeyring(path: path) }
    }

    @Test func acceptsAHandWrittenKeyringWithoutTimestamps() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            #"{"format":"tally-keyring-v1","primary":1,"keys":[{"version":1,"key":"\#(Self.validKey)"}]}"#,
            to: "keyring.json")
        let keyring = try LocalKeyring(path: directory.file("keyring.json"))
        let aad = AAD.make(tenantID: "acme", table: "secrets", rowID: "01")
        #expect(try keyring.decrypt(keyring.encrypt([1, 2, 3], aad: aad), aad: aad) == [1, 2, 3])
    }
}
