import Testing

@testable import TallyCrypto

@Suite struct SecureRandomTests {
    @Test func bytesHaveTheRequestedCountAndDiffer() throws {
        #expect(try SecureRandom.bytes(count: 0).isEmpty)
        let first = try SecureRandom.bytes(count: 32)
        let second = try SecureRandom.bytes(count: 32)
        #expect(first.count == 32)
        #expect(first != second)
    }

    @Test(arguments: [0, 1, 22, 32, 100, 1000])
    func base62HasTheRequestedLengthAndAlphabet(count: Int) throws {
        let token = try SecureRandom.base62(count: count)
        #expect(token.count == count)
        #expect(token.allSatisfy { SecureRandom.base62Alphabet.contains($0) })
    }

    @Test func base62AlphabetIsTheSixtyTwoAlphanumerics() {
        #expect(SecureRandom.base62Alphabet.count == 62)
        #expect(Set(SecureRandom.base62Alphabet).count == 62)
        #expect(SecureRandom.base62Alphabet.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    /// Uniformity check: 124,000 draws give each symbol an expected 2,000 (σ ≈ 44), so 1750...2250 is over 5σ.
    /// Plain `byte % 62` would favour the first 8 symbols (5/256 vs 4/256, ~2,420 draws each) and fail.
    @Test func base62HasNoModuloBias() throws {
        let token = try SecureRandom.base62(count: 124_000)
        var counts: [Character: Int] = [:]
        for character in token { counts[character, default: 0] += 1 }
        #expect(counts.count == 62)
        for (character, count) in counts {
            #expect((1750...2250).contains(count), "symbol \(character) drawn \(count) times")
        }
    }

    @Test func base62TokensDiffer() throws {
        #expect(try SecureRandom.base62(count: 32) != SecureRandom.base62(count: 32))
    }
}
