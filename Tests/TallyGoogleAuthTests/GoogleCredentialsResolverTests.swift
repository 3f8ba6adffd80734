import Foundation
import TallyGoogleAuth
import TallyHTTPClient
import Testing

/// Application-default credentials: key file when `GOOGLE_APPLICATION_CREDENTIALS` is set, else the metadata server.
@Suite struct GoogleCredentialsResolverTests {
    static let scopes = ["https://www.googleapis.com/auth/cloud-platform"]

    @Test func keyFileWins() throws {
        let double = try GoogleDouble()
        defer { double.stop() }
        let account = try TestServiceAccount(tokenURI: double.url("/token"))
        defer { account.remove() }
        let resolver = GoogleCredentialsResolver(
            environment: ["GOOGLE_APPLICATION_CREDENTIALS": account.keyFilePath, "GCE_METADATA_HOST": "127.0.0.1:1"],
            client: double.client)
        #expect(resolver.describe().contains(account.keyFilePath))
        let tokens = try resolver.tokenSource(scopes: Self.scopes)
        #expect(tokens.source is ServiceAccountTokenSource)
        #expect(try tokens.token().value.hasPrefix("ya29.fake-"))
        #expect(try double.requests().map(\.path) == ["/token"])
    }

    @Test func unsetVariableMeansMetadataServer() throws {
        let resolver = GoogleCredentialsResolver(environment: [:], client: HTTPClient())
        #expect(resolver.describe() == "metadata server at metadata.google.internal")
        let source = try #require(try resolver.tokenSource(scopes: Self.scopes).source as? MetadataTokenSource)
        #expect(source.host == "metadata.google.internal")
    }

    @Test func brokenKeyFileIsAnErrorNamingTheVariable() throws {
        let account = try TestServiceAccount(tokenURI: "https://oauth2.googleapis.com/token")
        defer { account.remove() }
        let notJSON = account.directory + "/not-json"
        try Data("-----BEGIN PRIVATE KEY-----".utf8).write(to: URL(filePath: notJSON))
        let incomplete = account.directory + "/incomplete.json"
        try Data(try account.keyFileJSON(overrides: ["client_email": nil])).write(to: URL(filePath: incomplete))

        for (value, detail) in [
            ("/nonexistent/key.json", "/nonexistent/key.json"), ("", "empty"), (notJSON, "not a JSON object"),
            (incomplete, "client_email"),
        ] {
            let resolver = GoogleCredentialsResolver(
                environment: ["GOOGLE_APPLICATION_CREDENTIALS": value], client: HTTPClient())
            let error = try #require(throws: GoogleAuthError.self) { try resolver.tokenSource(scopes: Self.scopes) }
            guard case .invalidCredentials(let reason) = error else {
                Issue.record("expected .invalidCredentials, got \(error)")
                continue
            }
            #expect(reason.hasPrefix("GOOGLE_APPLICATION_CREDENTIALS"))
            #expect(reason.contains(detail))
            #expect(!reason.contains("PRIVATE KEY"))
        }
    }

    @Test func malformedMetadataHostIsNamed() {
        let resolver = GoogleCredentialsResolver(
            environment: ["GCE_METADATA_HOST": "http://169.254.169.254/"], client: HTTPClient())
        let error = #expect(throws: GoogleAuthError.self) { try resolver.tokenSource(scopes: Self.scopes) }
        #expect("\(error!)".contains("GCE_METADATA_HOST"))
    }
}
