/// Envelope encryption of tenant secrets at rest, behind a protocol so the local keyring and a Cloud KMS backend
/// are interchangeable.
///
/// `aad` must identify where the ciphertext is stored (see `AAD.make`): decryption only succeeds with the same
/// `aad`, so a ciphertext copied to another tenant or row is useless. Implementations throw only `KMSError`, never
/// return unauthenticated data, and never fall back to plaintext.
public protocol KeyManagement: Sendable {
    /// Returns an opaque, self-describing ciphertext that records which key encrypted it.
    func encrypt(_ plaintext: [UInt8], aad: [UInt8]) throws -> [UInt8]

    /// Throws `KMSError.decryptionFailed` when `aad`, the key or any ciphertext byte differs from encryption.
    func decrypt(_ ciphertext: [UInt8], aad: [UInt8]) throws -> [UInt8]
}
