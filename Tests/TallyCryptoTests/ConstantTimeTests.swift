import Testing

@testable import TallyCrypto

@Suite struct ConstantTimeTests {
    @Test func equalBuffersAreEqual() {
        #expect(ConstantTime.equals([1, 2, 3, 4], [1, 2, 3, 4]))
        #expect(ConstantTime.equals([], []))
    }

    @Test func anyDifferingByteMakesThemUnequal() {
        let base: [UInt8] = Array(0..<32)
        for index in base.indices {
            var other = base
            other[index] ^= 0x01
            #expect(!ConstantTime.equals(base, other), "difference at byte \(index)")
        }
    }

    @Test func lengthMismatchIsUnequal() {
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 3, 0]))
        #expect(!ConstantTime.equals([1, 2, 3, 0], [1, 2, 3]))
        #expect(!ConstantTime.equals([], [0]))
    }
}
