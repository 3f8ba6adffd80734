import TallyCrypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The RS256-signed JWT a service account exchanges for an access token (OAuth2 JWT bearer grant, RFC 7523).
///
/// The result is a credential in its own right for up to an hour; it is only ever sent to the key's `token_uri`.
struct JWTAssertion {
    /// Google accepts at most one hour.
    static let lifetimeSeconds: Int64 = 3600

    struct Header: Encodable {
        var alg = "RS256"
        var typ = "JWT"
        var kid: String
    }

    struct Claims: Encodable {
        var iss: String
        /// Space-separated, as the grant requires.
        var scope: String
        var aud: String
        var iat: Int64
        var exp: Int64
    }

    let header: Header
    let claims: Claims

    /// Claims for `credentials` asking for `scopes`, issued at `issuedAt` (Unix seconds).
    init(credentials: ServiceAccountCredentials, scopes: [String], issuedAt: Int64) {
        header = Header(kid: credentials.privateKeyID)
        claims = Claims(
            iss: credentials.clientEmail, scope: scopes.joined(separator: " "), aud: credentials.tokenURI,
            iat: issuedAt, exp: issuedAt + Self.lifetimeSeconds)
    }

    /// `base64url(header).base64url(claims).base64url(signature)`, all unpadded.
    func signed(with signer: RSASigner) throws(GoogleAuthError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            let signingInput =
                Base64URL.encode(Array(try encoder.encode(header))) + "."
                + Base64URL.encode(Array(try encoder.encode(claims)))
            let signature = try signer.sign(Array(signingInput.utf8))
            return signingInput + "." + Base64URL.encode(signature)
        } catch let error as CryptoError {
            // CryptoError descriptions name the operation, never the key.
            throw .invalidCredentials("could not sign the JWT assertion: \(error)")
        } catch {
            throw .invalidCredentials("could not encode the JWT assertion")
        }
    }
}
