import Testing

@testable import TallyKMS

/// Known vectors: the CRC catalogue's check value and RFC 3720 (iSCSI) appendix B.4.
@Suite struct CRC32CTests {
    @Test func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func iSCSIVectors() {
        #expect(CRC32C.checksum([]) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map(UInt8.init)) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    @Test func isNotZlibCRC32() {
        // zlib's CRC-32 of "123456789" is 0xCBF43926; a mix-up would pass a self-consistent round trip.
        #expect(CRC32C.checksum(Array("123456789".utf8)) != 0xCBF4_3926)
    }
}
