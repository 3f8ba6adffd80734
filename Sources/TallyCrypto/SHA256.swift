/// SHA-256, used to store and look up API keys by digest; the `EVP_MD` is fetched once so hashing stays cheap.
public enum SHA256 {
    /// Digest length in bytes.
    public static let byteCount = 32

    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        LibCrypto.sha256(bytes)
    }

    /// Lowercase hex of the digest of the string's UTF-8 bytes, the form API-key digests are stored in.
    public static func hexDigest(of string: String) -> String {
        Hex.encode(hash(Array(string.utf8)))
    }
}
