/// Comparisons whose timing does not reveal where secrets differ, for tokens, MACs and key digests.
public enum ConstantTime {
    /// True when both buffers are identical. Runs in time that depends only on the lengths, never the contents;
    /// buffers of different lengths are unequal.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        LibCrypto.constantTimeEquals(a, b)
    }
}
