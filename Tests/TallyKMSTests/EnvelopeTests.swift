import Testing

@testable import TallyKMS

@Suite struct EnvelopeTests {
    let nonce: [UInt8] = Array(100..<112)
    let tag: [UInt8] = Array(200..<216)

    @Test func serializesTheDocumentedLayout() {
        let bytes = Envelope(keyVersion: 0x0102_0304, nonce: nonce, ciphertext: [9, 8, 7], tag: tag).bytes
        #expect(Array(bytes[0..<7]) == [0x54, 0x4B, 0x01, 0x01, 0x02, 0x03, 0x04])
        #expect(Array(bytes[7..<19]) == nonce)
        #expect(Array(bytes[19..<22]) == [9, 8, 7])
        #expect(Array(bytes[22...]) == tag)
        #expect(bytes.count == 3 + Envelope.overhead)
    }

    @Test func parsesWhatItSerializes() throws {
        let envelope = Envelope(keyVersion: 7, nonce: nonce, ciphertext: Array(0..<50), tag: tag)
        #expect(try Envelope(parsing: envelope.bytes) == envelope)
        let empty = Envelope(keyVersion: .max, nonce: nonce, ciphertext: [], tag: tag)
        #expect(try Envelope(parsing: empty.bytes) == empty)
    }

    @Test func rejectsForeignOrTruncatedBytes() {
        let valid = Envelope(keyVersion: 1, nonce: nonce, ciphertext: [1], tag: tag).bytes
        var badMagic = valid
        badMagic[0] = UInt8(ascii: "X")
        var badFormat = valid
        badFormat[2] = 2
        for bytes in [[], Array(valid.prefix(Envelope.overhead - 1)), badMagic, badFormat, Array("plaintext".utf8)] {
            #expect(throws: KMSError.malformedCiphertext) { try Envelope(parsing: bytes) }
        }
    }
}
