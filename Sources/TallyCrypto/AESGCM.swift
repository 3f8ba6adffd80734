/// AES-256-GCM authenticated encryption: confidentiality plus integrity of both ciphertext and associated data.
///
/// A (key, nonce) pair must never be reused: reuse leaks the XOR of plaintexts and lets an attacker forge tags.
/// With random 12-byte nonces, keep each key under 2^32 encryptions (NIST SP 800-38D).
public enum AESGCM {
    public static let keyByteCount = 32
    public static let nonceByteCount = 12
    public static let tagByteCount = 16

    /// Encrypts `plaintext` and authenticates it together with `aad`, which is not encrypted but must match on open.
    public static func seal(
        plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []
    ) throws -> (ciphertext: [UInt8], tag: [UInt8]) {
        try validate(key: key, nonce: nonce)
        return try LibCrypto.aesGCMSeal(plaintext: plaintext, key: key, nonce: nonce, aad: aad)
    }

    /// Returns the plaintext only if the tag verifies; otherwise throws `CryptoError.authenticationFailed` and
    /// releases nothing.
    public static func open(
        ciphertext: [UInt8], tag: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []
    ) throws -> [UInt8] {
        try validate(key: key, nonce: nonce)
        guard tag.count == tagByteCount else {
            throw CryptoError.invalidTagLength(expected: tagByteCount, actual: tag.count)
        }
        return try LibCrypto.aesGCMOpen(ciphertext: ciphertext, tag: tag, key: key, nonce: nonce, aad: aad)
    }

    private static func validate(key: [UInt8], nonce: [UInt8]) throws {
        guard key.count == keyByteCount else {
            throw CryptoError.invalidKeyLength(expected: keyByteCount, actual: key.count)
        }
        guard nonce.count == nonceByteCount else {
            throw CryptoError.invalidNonceLength(expected: nonceByteCount, actual: nonce.count)
        }
    }
}
