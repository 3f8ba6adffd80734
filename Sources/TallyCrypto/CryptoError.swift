/// Why a cryptographic operation failed. Descriptions carry sizes and operation names, never key material or data.
public enum CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The tag did not verify: wrong key, nonce or associated data, or tampered ciphertext or tag.
    case authenticationFailed
    case invalidKeyLength(expected: Int, actual: Int)
    case invalidNonceLength(expected: Int, actual: Int)
    case invalidTagLength(expected: Int, actual: Int)
    /// The input exceeds what libcrypto accepts in one call (2 GiB).
    case inputTooLarge
    /// The system's random source failed; nothing secret may be generated until it recovers.
    case randomUnavailable
    /// The PEM could not be used as an RS256 signing key; the reason never quotes the key.
    case invalidPrivateKey(String)
    /// libcrypto reported an internal failure (usually allocation) in the named call.
    case operationFailed(String)

    public var description: String {
        switch self {
        case .authenticationFailed:
            "authentication failed: wrong key, nonce or associated data, or tampered data"
        case .invalidKeyLength(let expected, let actual):
            "invalid key length \(actual), expected \(expected) bytes"
        case .invalidNonceLength(let expected, let actual):
            "invalid nonce length \(actual), expected \(expected) bytes"
        case .invalidTagLength(let expected, let actual):
            "invalid tag length \(actual), expected \(expected) bytes"
        case .inputTooLarge:
            "input too large for a single libcrypto call"
        case .randomUnavailable:
            "secure random source unavailable"
        case .invalidPrivateKey(let reason):
            "invalid private key: \(reason)"
        case .operationFailed(let operation):
            "libcrypto operation failed: \(operation)"
        }
    }
}
