/// Randomness from OpenSSL's CSPRNG, for keys, nonces and tokens.
public enum SecureRandom {
    /// The base62 alphabet: digits, uppercase, lowercase.
    public static let base62Alphabet: [Character] = Array(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// Throws rather than returning weak bytes when the random source fails.
    public static func bytes(count: Int) throws -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        return try LibCrypto.randomBytes(count: count)
    }

    /// A uniformly random base62 string, e.g. for API-key secrets (`count` 32 gives ~190 bits).
    ///
    /// Uses rejection sampling: bytes at or above 248 (the largest multiple of 62 that fits in a byte) are discarded,
    /// so `byte % 62` carries no modulo bias.
    public static func base62(count: Int) throws -> String {
        precondition(count >= 0, "negative length")
        let limit = UInt8(256 - 256 % base62Alphabet.count)
        var result = ""
        result.reserveCapacity(count)
        var produced = 0
        while produced < count {
            // Rejection discards ~3% of bytes; over-draw slightly so one call usually suffices.
            let batch = try bytes(count: (count - produced) + (count - produced) / 16 + 4)
            for byte in batch where byte < limit && produced < count {
                result.append(base62Alphabet[Int(byte) % base62Alphabet.count])
                produced += 1
            }
        }
        return result
    }
}
