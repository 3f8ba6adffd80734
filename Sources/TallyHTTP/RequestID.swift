/// Request ids come from nginx (`$request_id`, 32 hex characters); one is generated when a request
/// arrives without a usable id, so every response still carries one.
public enum RequestID {
    public static func accepting(_ candidate: String?) -> String {
        if let candidate, (1...64).contains(candidate.utf8.count),
            candidate.utf8.allSatisfy({ isAllowed($0) })
        {
            return candidate
        }
        return generate()
    }

    /// The same check on the raw param, so a usable id costs one string and an unusable one none.
    public static func accepting(bytes candidate: ArraySlice<UInt8>?) -> String {
        if let candidate, (1...64).contains(candidate.count), candidate.allSatisfy({ isAllowed($0) }) {
            return String(decoding: candidate, as: UTF8.self)
        }
        return generate()
    }

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x2D || byte == 0x5F
    }
}
