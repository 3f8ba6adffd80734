import Testing

@testable import TallyCrypto

@Suite struct HexTests {
    @Test func encodesLowercase() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
    }

    @Test func decodesEitherCase() {
        #expect(Hex.decode("000fa5ff") == [0x00, 0x0f, 0xa5, 0xff])
        #expect(Hex.decode("000FA5FF") == [0x00, 0x0f, 0xa5, 0xff])
        #expect(Hex.decode("") == [])
    }

    @Test func rejectsOddLengthAndNonHex() {
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("0g") == nil)
    }

    @Test func roundTripsEveryByte() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
    }
}
