/// Why a key-management operation failed; shared by every `KeyManagement` backend.
///
/// Descriptions may name files and key versions but never contain key material or plaintext.
public enum KMSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key service cannot serve requests right now; retryable, so the API answers 503.
    case unavailable(String)
    /// Authentication failed: wrong associated data (another tenant or row), wrong key, or a tampered ciphertext.
    case decryptionFailed
    /// The bytes are not a ciphertext this backend produced (bad magic, unknown format, truncated).
    case malformedCiphertext
    /// The ciphertext names a key version the keyring does not hold, e.g. a keyring restored from an old backup.
    case unknownKeyVersion(UInt32)
    case keyringMissing(path: String)
    /// `create` refuses to replace an existing keyring: that would orphan everything encrypted under it.
    case keyringExists(path: String)
    case keyringUnreadable(path: String, reason: String)
    case keyringUnwritable(path: String, reason: String)
    /// The keyring grants group or other permissions (`mode` holds the permission bits); refused, as ssh does.
    case keyringInsecure(path: String, mode: Int)

    public var description: String {
        switch self {
        case .unavailable(let reason):
            "key management unavailable: \(reason)"
        case .decryptionFailed:
            "decryption failed: wrong associated data or key, or tampered ciphertext"
        case .malformedCiphertext:
            "malformed ciphertext"
        case .unknownKeyVersion(let version):
            "ciphertext uses key version \(version), which the keyring does not contain"
        case .keyringMissing(let path):
            "keyring \(path) does not exist"
        case .keyringExists(let path):
            "keyring \(path) already exists; refusing to overwrite it"
        case .keyringUnreadable(let path, let reason):
            "keyring \(path) is unreadable: \(reason)"
        case .keyringUnwritable(let path, let reason):
            "keyring \(path) could not be written: \(reason)"
        case .keyringInsecure(let path, let mode):
            "keyring \(path) has mode \(Self.octal(mode)); it must not be accessible by group or others (chmod 600)"
        }
    }

    private static func octal(_ mode: Int) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
