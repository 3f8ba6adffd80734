/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signing, e.g. the JWT assertion for a Google service account.
///
/// The parsed key lives inside libcrypto for the signer's lifetime and is freed with it. Safe to share across tasks.
public struct RSASigner: Sendable {
    private let key: LibCrypto.PrivateKey

    /// Takes an unencrypted PEM key: PKCS#8 (`BEGIN PRIVATE KEY`, as in service-account JSON) or PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`). Rejects non-RSA keys and keys shorter than 2048 bits.
    public init(pemPrivateKey: String) throws {
        key = try LibCrypto.rsaPrivateKey(pem: pemPrivateKey)
    }

    /// The signature over `message`; deterministic, so equal inputs give equal signatures.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try LibCrypto.signRS256(message, with: key)
    }

    /// Checks a signature against this key's public half; for tests and self-checks.
    func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        LibCrypto.verifyRS256(signature, for: message, with: key)
    }
}
