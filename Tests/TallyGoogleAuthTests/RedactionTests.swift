import Foundation
import TallyGoogleAuth
import TallyHTTPClient
import TallyKMS
import Testing

/// Errors and descriptions reach logs; none may carry a token, a private key, an assertion or a plaintext.
@Suite struct RedactionTests {
    @Test func failuresNeverQuoteSecrets() throws {
        let fixture = try KMSFixture()
        defer { fixture.stop() }
        let account = try TestServiceAccount(tokenURI: fixture.double.url("/token"))
        defer { account.remove() }
        let plaintext = "sk_live_do_not_log_me"
        let aad = AAD.make(tenantID: "acme", table: "credentials", rowID: "1")
        let kms = try fixture.kms()
        let ciphertext = try kms.encrypt(Array(plaintext.utf8), aad: aad)

        var texts: [String] = []
        func capture(_ body: () throws -> Any) {
            do { _ = try body() } catch { texts += ["\(error)", String(reflecting: error)] }
        }
        capture { try kms.decrypt(ciphertext, aad: []) }
        try fixture.double.control(#"{"fail_next": [503, 503, 503], "fail_next_token": [400]}"#)
        capture { try kms.encrypt(Array(plaintext.utf8), aad: aad) }
        try fixture.double.control(#"{"corrupt_crc": true}"#)
        capture { try kms.decrypt(ciphertext, aad: aad) }
        capture { try fixture.kms(tokens: BogusTokenSource()).encrypt(Array(plaintext.utf8), aad: aad) }
        let stale = try ServiceAccountTokenSource(
            credentials: try account.credentials(), scopes: ["s"], client: fixture.double.client,
            unixTime: { 0 })
        capture { try stale.token() }
        let pemBody = account.privateKeyPEM.split(separator: "\n").dropFirst().prefix(3).joined()
        capture {
            try ServiceAccountCredentials(json: Array(#"{"type":"service_account","private_key":"\#(pemBody)"}"#.utf8))
        }
        let garbled = try account.keyFileJSON(overrides: ["private_key": String(account.privateKeyPEM.dropLast(60))])
        capture {
            try ServiceAccountTokenSource(
                credentials: ServiceAccountCredentials(json: garbled), scopes: ["s"],
                client: HTTPClient())
        }

        let token = try fixture.tokens.token()
        texts += [
            "\(token)", String(reflecting: token), "\(fixture.tokens)", "\(kms)", "\(try account.credentials())",
            "\(stale)",
        ]
        let assertions = try fixture.double.requests(endingWith: "/token").map(\.body)
        let issuedTokens = try fixture.double.requests().compactMap { $0.headers["authorization"] }
            .map { String($0.dropFirst("Bearer ".count)) }
        let secrets =
            [plaintext, BogusTokenSource.value, token.value, String(pemBody.prefix(40))] + issuedTokens
            + assertions.map { String($0.suffix(60)) }
        #expect(texts.count >= 14)
        for text in texts {
            for secret in secrets where !secret.isEmpty {
                #expect(!text.contains(secret), "\(text.prefix(60))… quotes a secret")
            }
            #expect(!text.contains("PRIVATE KEY-----\n"))
        }
    }
}
