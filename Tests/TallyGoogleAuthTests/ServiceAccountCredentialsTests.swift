import Foundation
import TallyGoogleAuth
import TallyHTTPClient
import Testing

/// Key-file validation: every problem names the field or file, never a value from it.
@Suite struct ServiceAccountCredentialsTests {
    @Test func decodesAGoogleKeyFile() throws {
        let account = try TestServiceAccount(tokenURI: "https://oauth2.googleapis.com/token")
        defer { account.remove() }
        let credentials = try account.credentials()
        #expect(credentials.clientEmail == TestServiceAccount.clientEmail)
        #expect(credentials.privateKeyID == TestServiceAccount.privateKeyID)
        #expect(credentials.tokenURI == "https://oauth2.googleapis.com/token")
        #expect(credentials.projectID == "tally-test")
        #expect(!"\(credentials)".contains("PRIVATE KEY"))
        #expect(!String(reflecting: credentials).contains("PRIVATE KEY"))
    }

    @Test(arguments: ["type", "client_email", "private_key", "private_key_id", "token_uri", "project_id"])
    func missingFieldIsNamed(field: String) throws {
        let account = try TestServiceAccount(tokenURI: "https://oauth2.googleapis.com/token")
        defer { account.remove() }
        let json = try account.keyFileJSON(overrides: [field: nil])
        #expect(throws: GoogleAuthError.invalidCredentials("the service-account key lacks field \(field)")) {
            try ServiceAccountCredentials(json: json)
        }
    }

    @Test func wrongTypesAreNamed() throws {
        let error = try #require(throws: GoogleAuthError.self) {
            try ServiceAccountCredentials(json: Array(#"{"type":"service_account","client_email":42}"#.utf8))
        }
        #expect("\(error)".contains("client_email"))
        #expect(throws: GoogleAuthError.self) { try ServiceAccountCredentials(json: Array("[1, 2]".utf8)) }
        #expect(throws: GoogleAuthError.self) { try ServiceAccountCredentials(json: Array("not json".utf8)) }
    }

    @Test func onlyServiceAccountKeysAreAccepted() throws {
        let account = try TestServiceAccount(tokenURI: "https://oauth2.googleapis.com/token")
        defer { account.remove() }
        let error = try #require(throws: GoogleAuthError.self) {
            try ServiceAccountCredentials(json: try account.keyFileJSON(overrides: ["type": "authorized_user"]))
        }
        #expect("\(error)".contains("service_account"))
    }

    /// The assertion is a bearer credential for an hour: plain HTTP only to this host.
    @Test(arguments: [
        ("https://oauth2.googleapis.com/token", true), ("http://127.0.0.1:19650/token", true),
        ("http://localhost:8080/token", true), ("http://[::1]:8080/token", true),
        ("http://oauth2.googleapis.com/token", false), ("http://127.evil.example/token", false),
        ("http://127.0.0.1@evil.example/token", false), ("ftp://127.0.0.1/token", false), ("/token", false),
    ])
    func tokenURIMustNotExposeTheAssertion(uri: String, accepted: Bool) throws {
        let account = try TestServiceAccount(tokenURI: uri)
        defer { account.remove() }
        let decoded = (try? account.credentials()) != nil
        #expect(decoded == accepted)
    }

    @Test func unreadableFileIsNamed() {
        let path = "/nonexistent/tally/key.json"
        let error = #expect(throws: GoogleAuthError.self) { try ServiceAccountCredentials(contentsOfFile: path) }
        #expect("\(error!)".contains(path))
    }

    @Test func unusablePrivateKeyIsRefusedAtInit() throws {
        let account = try TestServiceAccount(tokenURI: "https://oauth2.googleapis.com/token")
        defer { account.remove() }
        // A truncated real key: its base64 must not show up in the error.
        let truncated = String(account.privateKeyPEM.prefix(400)) + "\n-----END PRIVATE KEY-----\n"
        let credentials = try ServiceAccountCredentials(
            json: try account.keyFileJSON(overrides: ["private_key": truncated]))
        let error = try #require(throws: GoogleAuthError.self) {
            try ServiceAccountTokenSource(credentials: credentials, scopes: ["s"], client: HTTPClient())
        }
        #expect("\(error)".contains("private_key"))
        let keyLine = try #require(account.privateKeyPEM.split(separator: "\n").dropFirst().first)
        #expect(!"\(error)".contains(keyLine))
        #expect(throws: GoogleAuthError.self) {
            try ServiceAccountTokenSource(credentials: try account.credentials(), scopes: [], client: HTTPClient())
        }
    }
}
