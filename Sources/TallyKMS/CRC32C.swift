/// CRC32C (Castagnoli: reflected polynomial `0x82F63B78`, initial value and final XOR `0xFFFFFFFF`), the checksum
/// Cloud KMS uses to detect corruption of requests and responses in transit. Not zlib's CRC-32.
enum CRC32C {
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// Byte-at-a-time table; secrets are a few KiB, so slicing-by-8 would not pay for its complexity.
    private static let table: [UInt32] = (0...255).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
        }
        return crc
    }
}
