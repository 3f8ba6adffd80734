import Foundation

/// Typed readers for decoders that know their document's shape. Each reads one value and returns nil for JSON
/// `null`; a value of another type is an error naming the expected type (the caller adds the field name).
/// Numbers may also arrive as strings, as BigQuery writes INT64 and NUMERIC.
extension JSONScanner {
    /// A string; numbers and booleans are accepted as their literal text.
    @inlinable
    public mutating func readString() throws(WarehouseError) -> String? {
        switch try token() {
        case .null: return nil
        case .string(.raw(let range)) where strings != nil:
            return bytes.withUnsafeBytes { strings!.string(UnsafeRawBufferPointer(rebasing: $0[range])) }
        case .string(let text): return text.string(in: bytes)
        case .number(let range): return String(decoding: bytes[range], as: UTF8.self)
        case .bool(let flag): return flag ? "true" : "false"
        case .composite: throw .invalidValue("expects a string")
        }
    }

    /// A number (or a numeric string) as a `Double`.
    @inlinable
    public mutating func readDouble() throws(WarehouseError) -> Double? {
        guard let text = try readNumberText() else { return nil }
        guard let value = Self.double(bytes[text]) else { throw .invalidValue("expects a number") }
        return value
    }

    /// The literal text of a number (or of a numeric string), for callers that keep decimals exact.
    @inlinable
    public mutating func readNumberText() throws(WarehouseError) -> Range<Int>? {
        switch try token() {
        case .null: return nil
        case .number(let range), .string(.raw(let range)): return range
        default: throw .invalidValue("expects a number")
        }
    }

    /// A timestamp in BigQuery's export form (`2025-11-15 10:00:00 UTC`), ISO 8601, or epoch seconds.
    public mutating func readTimestamp() throws(WarehouseError) -> Date? {
        switch try token() {
        case .null: return nil
        case .string(.raw(let range)):
            if let date = TimestampText.parse(bytes[range]) { return date }
        case .number(let range):
            if let seconds = Self.double(bytes[range]) { return Date(timeIntervalSince1970: seconds) }
        default: break
        }
        throw .invalidValue("expects a timestamp")
    }

    @inlinable
    public mutating func readBool() throws(WarehouseError) -> Bool? {
        switch try token() {
        case .null: return nil
        case .bool(let flag): return flag
        default: throw .invalidValue("expects a boolean")
        }
    }

    /// Parses a JSON number literal. Decimals with at most 15 significant digits and a small exponent (all
    /// money and quantities in billing data) take Clinger's fast path: the digits and the power of ten are
    /// both exact doubles, so one division or multiplication is correctly rounded. Anything else goes to
    /// `Double(_:)` (strtod).
    @inlinable
    public static func double(_ literal: ArraySlice<UInt8>) -> Double? {
        var mantissa: UInt64 = 0
        var digits = 0
        var scale = 0
        var negative = false
        var seenPoint = false
        var position = literal.startIndex
        if position < literal.endIndex, literal[position] == 0x2D {
            negative = true
            position += 1
        }
        let firstDigit = position
        while position < literal.endIndex {
            let byte = literal[position]
            if byte >= 0x30, byte <= 0x39 {
                if mantissa != 0 || byte != 0x30 { digits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(byte - 0x30)
                if seenPoint { scale += 1 }
            } else if byte == 0x2E, !seenPoint {
                seenPoint = true
            } else {
                break
            }
            position += 1
        }
        let fastPath =
            position == literal.endIndex && position > firstDigit && digits <= 15 && scale <= 22
            && literal[position - 1] != 0x2E
        guard fastPath else { return Double(String(decoding: literal, as: UTF8.self)) }
        let magnitude = scale == 0 ? Double(mantissa) : Double(mantissa) / powersOfTen[scale]
        return negative ? -magnitude : magnitude
    }

    @usableFromInline static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
