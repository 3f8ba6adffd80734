#if canImport(Glibc)
    import Glibc
#endif

/// Byte comparisons for the per-request path. The generic `starts(with:)`/`elementsEqual` over a
/// `String.UTF8View` and `lowercased()` cost one to several hundred instructions (or an allocation) per
/// call, and the parser makes dozens of these comparisons for every request.
enum ASCIIBytes {
    /// Whether `bytes` begins with `prefix`.
    static func hasPrefix(_ bytes: ArraySlice<UInt8>, _ prefix: StaticString) -> Bool {
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            for index in 0..<prefix.utf8CodeUnitCount where buffer[index] != prefix.utf8Start[index] {
                return false
            }
            return true
        }
    }

    /// Whether `bytes` is exactly `text`.
    static func equals(_ bytes: ArraySlice<UInt8>, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && hasPrefix(bytes, text)
    }

    /// Whether `bytes` is exactly the UTF-8 of `string`.
    static func equals(_ bytes: ArraySlice<UInt8>, string: String) -> Bool {
        guard bytes.count == string.utf8.count else { return false }
        guard !bytes.isEmpty else { return true }
        var string = string
        return string.withUTF8 { utf8 in
            bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, utf8.baseAddress!, utf8.count) == 0 }
        }
    }

    /// Whether the two strings are equal ignoring ASCII case, as HTTP compares header names; allocates nothing.
    static func caseInsensitiveEquals(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        var lhs = lhs.utf8.makeIterator()
        var rhs = rhs.utf8.makeIterator()
        while true {
            switch (lhs.next(), rhs.next()) {
            case (nil, nil): return true
            case (let left?, let right?) where lowercase(left) == lowercase(right): continue
            default: return false
            }
        }
    }

    /// A string from bytes that are valid UTF-8, or nil; plain ASCII (the usual case) skips the validator.
    static func string(validating bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer { buffer in
            var isASCII = true
            for byte in buffer where byte >= 0x80 {
                isASCII = false
                break
            }
            return isASCII ? String(decoding: buffer, as: UTF8.self) : String(validating: buffer, as: UTF8.self)
        }
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
