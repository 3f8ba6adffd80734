import TallyCrypto
import TallyHTTPClient

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Access tokens for a service-account key: a fresh RS256 JWT assertion per fetch, exchanged at the key's
/// `token_uri` (OAuth2 JWT bearer grant).
///
/// Every call fetches a new token; wrap it in `CachedTokenSource`. The private key is parsed once, at init, so a
/// broken key fails at start-up rather than on the first request.
public struct ServiceAccountTokenSource: TokenSource, CustomStringConvertible {
    static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    public let credentials: ServiceAccountCredentials
    public let scopes: [String]
    private let signer: RSASigner
    private let client: HTTPClient
    private let retry: RetryPolicy
    /// Unix seconds for `iat`; injected so tests can produce expired or future assertions.
    private let unixTime: @Sendable () -> Int64

    /// `scopes` must not be empty, e.g. `["https://www.googleapis.com/auth/cloud-platform"]`.
    public init(
        credentials: ServiceAccountCredentials,
        scopes: [String],
        client: HTTPClient,
        retry: RetryPolicy = RetryPolicy(),
        unixTime: @escaping @Sendable () -> Int64 = { Int64(Date.now.timeIntervalSince1970) }
    ) throws(GoogleAuthError) {
        guard !scopes.isEmpty, scopes.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
            throw .invalidCredentials("at least one OAuth scope is needed, each without spaces")
        }
        do {
            signer = try RSASigner(pemPrivateKey: credentials.privateKey)
        } catch let error as CryptoError {
            throw .invalidCredentials("field private_key of the service-account key is unusable: \(error)")
        } catch {
            throw .invalidCredentials("field private_key of the service-account key is unusable")
        }
        self.credentials = credentials
        self.scopes = scopes
        self.client = client
        self.retry = retry
        self.unixTime = unixTime
    }

    public func token() throws(GoogleAuthError) -> AccessToken {
        let assertion = try JWTAssertion(credentials: credentials, scopes: scopes, issuedAt: unixTime())
            .signed(with: signer)
        let body = "grant_type=\(Self.formEncoded(Self.grantType))&assertion=\(Self.formEncoded(assertion))"
        let request = HTTPClientRequest(
            method: "POST", url: credentials.tokenURI,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(body.utf8))
        let requestedAt = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            // Safe to repeat: a retried grant at worst mints a second token.
            response = try client.execute(request, retry: retry, idempotent: true)
        } catch {
            throw .unavailable("token endpoint unreachable: \(error)")
        }
        return try TokenResponse.accessToken(from: response, requestedAt: requestedAt, service: "token endpoint")
    }

    /// Nothing is cached here, so there is nothing to forget.
    public func invalidate(_ token: AccessToken) {}

    public var description: String {
        "ServiceAccountTokenSource(\(credentials.clientEmail))"
    }

    /// `application/x-www-form-urlencoded`: everything but unreserved characters percent-encoded.
    static func formEncoded(_ value: String) -> String {
        var encoded = ""
        for byte in value.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return encoded
    }
}
