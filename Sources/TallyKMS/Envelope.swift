/// The local keyring's ciphertext format, 35 bytes longer than the plaintext:
///
///     offset  size  field
///     0       2     magic "TK" (0x54 0x4B)
///     2       1     format, 1
///     3       4     key version, UInt32 big-endian
///     7       12    random GCM nonce
///     19      n     AES-256-GCM ciphertext
///     19+n    16    GCM tag
///
/// The GCM associated data is exactly the caller's `aad`. The header is still covered: magic and format must
/// match exactly, the version selects the key and the nonce feeds GCM, so changing any of them fails decryption.
struct Envelope: Equatable {
    static let magic: [UInt8] = [0x54, 0x4B]
    static let format: UInt8 = 1
    static let headerByteCount = 7
    static let overhead = headerByteCount + 12 + 16

    let keyVersion: UInt32
    let nonce: [UInt8]
    let ciphertext: [UInt8]
    let tag: [UInt8]

    init(keyVersion: UInt32, nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
        precondition(nonce.count == 12 && tag.count == 16, "GCM nonce must be 12 bytes and tag 16 bytes")
        self.keyVersion = keyVersion
        self.nonce = nonce
        self.ciphertext = ciphertext
        self.tag = tag
    }

    init(parsing bytes: [UInt8]) throws {
        guard bytes.count >= Self.overhead, Array(bytes[0..<2]) == Self.magic, bytes[2] == Self.format else {
            throw KMSError.malformedCiphertext
        }
        keyVersion = bytes[3..<7].reduce(0) { $0 << 8 | UInt32($1) }
        nonce = Array(bytes[7..<19])
        ciphertext = Array(bytes[19..<(bytes.count - 16)])
        tag = Array(bytes[(bytes.count - 16)...])
    }

    var bytes: [UInt8] {
        var bytes = Self.magic + [Self.format]
        bytes.reserveCapacity(Self.overhead + ciphertext.count)
        bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: keyVersion >> $0) }
        bytes += nonce
        bytes += ciphertext
        bytes += tag
        return bytes
    }
}
