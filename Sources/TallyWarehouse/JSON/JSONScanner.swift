/// A forward-only JSON scanner over one document (an NDJSON line, a record's JSON text).
///
/// Bulk loads decode millions of lines, and Foundation's `JSONDecoder` costs ~56 µs for one GCP export line
/// (measured on the benchmark's rows), so loaders read values straight off the bytes: strings without escapes
/// come back as byte ranges, keys cost no allocation, and values a reader does not want are skipped without
/// being built. Errors give the byte offset, never the data.
public struct JSONScanner {
    /// A string's text: a range of the input when it has no escapes, else the unescaped string.
    public enum Text: Sendable {
        case raw(Range<Int>)
        case escaped(String)
    }

    /// One scalar value, or a nested value already in canonical form (keys sorted, no whitespace).
    public enum Token: Sendable {
        case null
        case bool(Bool)
        case number(Range<Int>)
        case string(Text)
        case composite(String)
    }

    /// Where a reader is inside an object or array, for `nextKey` / `nextElement`.
    public struct Cursor: Sendable {
        @usableFromInline var started = false
        @usableFromInline var finished = false

        @inlinable init() {}
    }

    @usableFromInline static let maximumDepth = 64
    /// The document.
    public let bytes: [UInt8]
    @usableFromInline var index = 0
    /// Where `readString` shares repeated strings, when set (bulk loaders keep one per thread).
    public var strings: JSONStringTable?

    public init(bytes: [UInt8], strings: JSONStringTable? = nil) {
        self.bytes = bytes
        self.strings = strings
    }

    /// The byte offset the scanner is at.
    @inlinable
    public var offset: Int { index }

    @usableFromInline var malformed: WarehouseError { .invalidValue("malformed JSON at byte \(index)") }

    // MARK: Structure

    @inlinable
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The next significant byte, without consuming it.
    @inlinable @inline(__always)
    public mutating func peek() throws(WarehouseError) -> UInt8 {
        // Exports are compact JSON: the next byte is nearly always significant already.
        if index < bytes.count, bytes[index] > 0x20 { return bytes[index] }
        skipWhitespace()
        guard index < bytes.count else { throw malformed }
        return bytes[index]
    }

    @inlinable
    public mutating func expect(_ byte: UInt8) throws(WarehouseError) {
        guard try peek() == byte else { throw malformed }
        index += 1
    }

    @inlinable
    public mutating func consume(_ byte: UInt8) throws(WarehouseError) -> Bool {
        guard try peek() == byte else { return false }
        index += 1
        return true
    }

    /// Only whitespace may follow.
    @inlinable
    public mutating func expectEnd() throws(WarehouseError) {
        skipWhitespace()
        guard index == bytes.count else { throw malformed }
    }

    @inlinable
    public mutating func key() throws(WarehouseError) -> Text {
        guard try peek() == 0x22 else { throw malformed }
        return try string()
    }

    /// Opens an object; nil (and the value consumed) when it is JSON `null`.
    @inlinable
    public mutating func enterObject() throws(WarehouseError) -> Cursor? {
        if try consumeNull() { return nil }
        try expect(0x7B)
        return Cursor()
    }

    /// The next member's key, positioned at its value (which the caller must read or skip); nil after `}`.
    @inlinable
    public mutating func nextKey(_ cursor: inout Cursor) throws(WarehouseError) -> Text? {
        guard try nextItem(&cursor, closing: 0x7D) else { return nil }
        let key = try key()
        try expect(0x3A)
        return key
    }

    /// Opens an array; nil (and the value consumed) when it is JSON `null`.
    @inlinable
    public mutating func enterArray() throws(WarehouseError) -> Cursor? {
        if try consumeNull() { return nil }
        try expect(0x5B)
        return Cursor()
    }

    /// True when another element follows (positioned at it); false after `]`.
    @inlinable
    public mutating func nextElement(_ cursor: inout Cursor) throws(WarehouseError) -> Bool {
        try nextItem(&cursor, closing: 0x5D)
    }

    @inlinable mutating func nextItem(_ cursor: inout Cursor, closing: UInt8) throws(WarehouseError) -> Bool {
        if cursor.finished { return false }
        if !cursor.started {
            cursor.started = true
            if try consume(closing) {
                cursor.finished = true
                return false
            }
            return true
        }
        if try consume(0x2C) { return true }
        try expect(closing)
        cursor.finished = true
        return false
    }

    /// Consumes a `null` literal if one is next.
    @inlinable
    public mutating func consumeNull() throws(WarehouseError) -> Bool {
        guard try peek() == 0x6E else { return false }
        _ = try literal("null", .null)
        return true
    }

    // MARK: Values

    /// The next value as a token; objects and arrays are written out canonically.
    @inlinable
    public mutating func token() throws(WarehouseError) -> Token {
        switch try peek() {
        case 0x22: return .string(try string())
        case 0x7B, 0x5B:
            var text: [UInt8] = []
            text.reserveCapacity(256)
            try writeCanonical(into: &text, depth: 0)
            return .composite(String(decoding: text, as: UTF8.self))
        case 0x74: return try literal("true", .bool(true))
        case 0x66: return try literal("false", .bool(false))
        case 0x6E: return try literal("null", .null)
        default: return .number(try number())
        }
    }

    /// Skips a value without building it; nested values are only balanced, not validated.
    @inlinable
    public mutating func skipValue() throws(WarehouseError) {
        guard try peek() == 0x7B || bytes[index] == 0x5B else {
            _ = try token()
            return
        }
        var depth = 0
        while index < bytes.count {
            switch bytes[index] {
            case 0x22:
                _ = try string()
                continue
            case 0x7B, 0x5B: depth += 1
            case 0x7D, 0x5D: depth -= 1
            default: break
            }
            index += 1
            if depth == 0 { return }
        }
        throw malformed
    }

    @usableFromInline
    mutating func literal(_ word: StaticString, _ token: Token) throws(WarehouseError) -> Token {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw malformed }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw malformed }
        index += count
        return token
    }

    @usableFromInline
    mutating func number() throws(WarehouseError) -> Range<Int> {
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case 0x30...0x39, 0x2D, 0x2B, 0x2E, 0x65, 0x45: index += 1
            default:
                guard index > start else { throw malformed }
                return start..<index
            }
        }
        guard index > start else { throw malformed }
        return start..<index
    }

    /// Reads a string whose opening quote is at `index`.
    @inlinable
    mutating func string() throws(WarehouseError) -> Text {
        let start = index + 1
        // The hot loop of every decode: sixteen bytes at a time until a block holds the quote or backslash that
        // ends the text, then byte by byte within that block.
        let stop = bytes.withUnsafeBufferPointer { buffer in
            var position = start
            if let base = buffer.baseAddress {
                let raw = UnsafeRawPointer(base)
                let quote = SIMD16<UInt8>(repeating: 0x22)
                let backslash = SIMD16<UInt8>(repeating: 0x5C)
                while position + 16 <= buffer.count {
                    let block = raw.loadUnaligned(fromByteOffset: position, as: SIMD16<UInt8>.self)
                    if any((block .== quote) .| (block .== backslash)) { break }
                    position += 16
                }
            }
            while position < buffer.count, buffer[position] != 0x22, buffer[position] != 0x5C { position += 1 }
            return position
        }
        index = stop
        guard stop < bytes.count else { throw malformed }
        if bytes[stop] == 0x5C { return .escaped(try unescape(from: start)) }
        index = stop + 1
        return .raw(start..<stop)
    }
}

extension JSONScanner.Text {
    /// The text as a string.
    @inlinable
    public func string(in bytes: [UInt8]) -> String {
        switch self {
        case .raw(let range): String(decoding: bytes[range], as: UTF8.self)
        case .escaped(let text): text
        }
    }
}
