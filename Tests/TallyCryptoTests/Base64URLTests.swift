import Testing

@testable import TallyCrypto

@Suite struct Base64URLTests {
    @Test func encodesJWTHeaderWithoutPadding() {
        #expect(Base64URL.encode(Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8)) == "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9")
    }

    // RFC 4648 §10 vectors, unpadded.
    @Test(arguments: [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE")])
    func rfc4648Vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test func usesTheURLSafeAlphabet() {
        let bytes: [UInt8] = [0xfb, 0xff, 0xbf]
        #expect(Base64URL.encode(bytes) == "-_-_")
        #expect(Base64URL.decode("-_-_") == bytes)
    }

    @Test func rejectsTheStandardAlphabetAndGarbage() {
        #expect(Base64URL.decode("+/+/") == nil)
        #expect(Base64URL.decode("!!!!") == nil)
    }
}
