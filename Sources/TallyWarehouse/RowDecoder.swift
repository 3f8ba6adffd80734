import Foundation

/// Turns NDJSON lines (such as the GCP billing export) into rows of a table schema.
///
/// Built for loads of millions of lines: a byte-level scanner materializes only the schema's fields, skipping
/// unknown keys without building them (source schemas grow). Scalars convert to the field's type (BigQuery
/// exports INT64 and NUMERIC as strings, timestamps as `2025-11-15 10:00:00 UTC`); RECORD, REPEATED and JSON
/// values become `.json` text, re-serialized with sorted keys. Missing fields are `.null`, unless REQUIRED.
/// Errors name the field or the byte offset, never the data.
public struct RowDecoder: Sendable {
    private let fields: [TableSchema.Field]
    private let names: [[UInt8]]

    public init(schema: TableSchema) {
        fields = schema.fields
        names = schema.fields.map { Array($0.name.utf8) }
    }

    public func decode(line: some Collection<UInt8>) throws(WarehouseError) -> Row {
        try decode(line: Array(line))
    }

    public func decode(line: [UInt8]) throws(WarehouseError) -> Row {
        var scanner = JSONScanner(bytes: line)
        var values = [WarehouseValue](repeating: .null, count: fields.count)
        try scanner.expect(0x7B)
        var next = 0
        if try !scanner.consume(0x7D) {
            repeat {
                let key = try scanner.key()
                try scanner.expect(0x3A)
                if let index = fieldIndex(of: key, in: line, expected: next) {
                    values[index] = try value(for: fields[index], scanner.token(), in: line)
                    next = index + 1
                } else {
                    try scanner.skipValue()
                }
            } while try scanner.consume(0x2C)
            try scanner.expect(0x7D)
        }
        try scanner.expectEnd()
        var row = Row(minimumCapacity: fields.count)
        for (field, value) in zip(fields, values) {
            if case .null = value, field.mode == .required { throw .invalidValue("field \(field.name) is REQUIRED") }
            row[field.name] = value
        }
        return row
    }

    /// Exports list fields in schema order, so the field after the previous one is tried first.
    private func fieldIndex(of key: JSONScanner.Text, in line: [UInt8], expected: Int) -> Int? {
        if case .escaped(let text) = key { return fields.firstIndex { $0.name == text } }
        guard case .raw(let range) = key else { return nil }
        let bytes = line[range]
        if expected < names.count, names[expected].elementsEqual(bytes) { return expected }
        return names.firstIndex { $0.count == bytes.count && $0.elementsEqual(bytes) }
    }

    private func value(
        for field: TableSchema.Field, _ token: JSONScanner.Token, in line: [UInt8]
    ) throws(WarehouseError) -> WarehouseValue {
        if case .null = token { return .null }
        if field.mode == .repeated || field.type == .record {
            guard case .composite(let text) = token, text.hasPrefix("[") == (field.mode == .repeated) else {
                throw Self.mismatch(field)
            }
            return .json(text)
        }
        switch (field.type, token) {
        case (.json, .composite(let text)): return .json(text)
        case (.json, .string(let text)): return .json(text.string(in: line))
        case (.json, .number(let range)): return .json(String(decoding: line[range], as: UTF8.self))
        case (.json, .bool(let flag)): return .json(flag ? "true" : "false")
        case (.string, .bool(let flag)): return .string(flag ? "true" : "false")
        case (.string, .string(let text)): return .string(text.string(in: line))
        case (.string, .number(let range)): return .string(String(decoding: line[range], as: UTF8.self))
        case (.int64, .number(let range)), (.int64, .string(.raw(let range))):
            let literal = line[range]
            if let number = Self.integer(literal) ?? Int64(String(decoding: literal, as: UTF8.self)) {
                return .int(number)
            }
            // `1.0` or `1e3`, but only where a double still holds every integer exactly.
            if let number = Double(String(decoding: literal, as: UTF8.self)), abs(number) <= 0x20_0000_0000_0000,
                let exact = Int64(exactly: number)
            {
                return .int(exact)
            }
        case (.float64, .number(let range)), (.numeric, .number(let range)), (.float64, .string(.raw(let range))),
            (.numeric, .string(.raw(let range))):
            if let number = Double(String(decoding: line[range], as: UTF8.self)) { return .double(number) }
        case (.bool, .bool(let flag)): return .bool(flag)
        case (.bool, .string(let text)):
            switch text.string(in: line) {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: break
            }
        case (.timestamp, .string(.raw(let range))):
            if let date = TimestampText.parse(line[range]) { return .timestamp(date) }
        case (.timestamp, .number(let range)):
            if let seconds = Double(String(decoding: line[range], as: UTF8.self)) {
                return .timestamp(Date(timeIntervalSince1970: seconds))
            }
        case (.date, .string(.raw(let range))):
            if range.count == 10, TimestampText.parse(line[range]) != nil {
                return .date(String(decoding: line[range], as: UTF8.self))
            }
        case (.bytes, .string(let text)):
            if let data = Data(base64Encoded: text.string(in: line)) { return .bytes([UInt8](data)) }
        default: break
        }
        throw Self.mismatch(field)
    }

    private static func mismatch(_ field: TableSchema.Field) -> WarehouseError {
        .invalidValue("field \(field.name) expects \(field.mode == .repeated ? "REPEATED" : field.type.rawValue)")
    }

    private static func integer(_ digits: ArraySlice<UInt8>) -> Int64? {
        var rest = digits[...]
        let negative = rest.first == 0x2D
        if negative { rest = rest.dropFirst() }
        guard !rest.isEmpty, rest.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in rest {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return negative ? -value : value
    }
}

/// A forward-only scanner over one line. Strings without escapes come back as byte ranges, so fields that are
/// parsed further (numbers in strings, timestamps) and keys cost no allocation.
private struct JSONScanner {
    enum Text {
        case raw(Range<Int>)
        case escaped(String)

        func string(in line: [UInt8]) -> String {
            switch self {
            case .raw(let range): String(decoding: line[range], as: UTF8.self)
            case .escaped(let text): text
            }
        }
    }

    enum Token {
        case null
        case bool(Bool)
        case number(Range<Int>)
        case string(Text)
        /// An object or array, already in canonical form.
        case composite(String)
    }

    private static let maximumDepth = 64
    private let bytes: [UInt8]
    private var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var malformed: WarehouseError { .invalidValue("malformed JSON at byte \(index)") }

    private mutating func skipWhitespace() {
        while index < bytes.count,
            bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A
                || bytes[index] == 0x0D
        {
            index += 1
        }
    }

    private mutating func peek() throws(WarehouseError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw malformed }
        return bytes[index]
    }

    mutating func expect(_ byte: UInt8) throws(WarehouseError) {
        guard try peek() == byte else { throw malformed }
        index += 1
    }

    mutating func consume(_ byte: UInt8) throws(WarehouseError) -> Bool {
        guard try peek() == byte else { return false }
        index += 1
        return true
    }

    mutating func expectEnd() throws(WarehouseError) {
        skipWhitespace()
        guard index == bytes.count else { throw malformed }
    }

    mutating func key() throws(WarehouseError) -> Text {
        guard try peek() == 0x22 else { throw malformed }
        return try string()
    }

    mutating func token() throws(WarehouseError) -> Token {
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

    /// Skips a value without building it; nested values of unknown keys are only balanced, not validated.
    mutating func skipValue() throws(WarehouseError) {
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

    /// Writes the value at `index` compactly, with object keys in byte order, and moves past it. An object's
    /// members are located first (values skipped), then written in order, each value scanned where it lies.
    private mutating func writeCanonical(into out: inout [UInt8], depth: Int) throws(WarehouseError) {
        guard depth < Self.maximumDepth else { throw malformed }
        switch try peek() {
        case 0x7B:
            index += 1
            var members: [(key: Text, value: Int)] = []
            if try !consume(0x7D) {
                repeat {
                    let key = try key()
                    try expect(0x3A)
                    skipWhitespace()
                    members.append((key, index))
                    try skipValue()
                } while try consume(0x2C)
                try expect(0x7D)
            }
            let end = index
            members.sort { precedes($0.key, $1.key) }
            out.append(0x7B)
            for (position, member) in members.enumerated() {
                if position > 0 { out.append(0x2C) }
                write(member.key, into: &out)
                out.append(0x3A)
                index = member.value
                try writeCanonical(into: &out, depth: depth + 1)
            }
            out.append(0x7D)
            index = end
        case 0x5B:
            index += 1
            out.append(0x5B)
            if try !consume(0x5D) {
                var first = true
                repeat {
                    if !first { out.append(0x2C) }
                    first = false
                    try writeCanonical(into: &out, depth: depth + 1)
                } while try consume(0x2C)
                try expect(0x5D)
            }
            out.append(0x5D)
        default:
            switch try token() {
            case .null: out.append(contentsOf: "null".utf8)
            case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
            case .number(let range): out.append(contentsOf: bytes[range])
            case .string(let text): write(text, into: &out)
            case .composite(let text): out.append(contentsOf: text.utf8)
            }
        }
    }

    private func precedes(_ left: Text, _ right: Text) -> Bool {
        switch (left, right) {
        case (.raw(let left), .raw(let right)): bytes[left].lexicographicallyPrecedes(bytes[right])
        default: Array(left.string(in: bytes).utf8).lexicographicallyPrecedes(right.string(in: bytes).utf8)
        }
    }

    /// Writes a string as JSON: unescaped input verbatim, otherwise re-escaped minimally.
    private func write(_ text: Text, into out: inout [UInt8]) {
        out.append(0x22)
        switch text {
        case .raw(let range): out.append(contentsOf: bytes[range])
        case .escaped(let string):
            for byte in string.utf8 {
                switch byte {
                case 0x22, 0x5C: out.append(contentsOf: [0x5C, byte])
                case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                case 0x09: out.append(contentsOf: [0x5C, 0x74])
                case ..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                default: out.append(byte)
                }
            }
        }
        out.append(0x22)
    }

    private mutating func literal(_ word: String, _ token: Token) throws(WarehouseError) -> Token {
        let end = index + word.utf8.count
        guard end <= bytes.count, bytes[index..<end].elementsEqual(word.utf8) else { throw malformed }
        index = end
        return token
    }

    private mutating func number() throws(WarehouseError) -> Range<Int> {
        let start = index
        while index < bytes.count,
            (0x30...0x39).contains(bytes[index]) || [0x2D, 0x2B, 0x2E, 0x65, 0x45].contains(bytes[index])
        {
            index += 1
        }
        guard index > start else { throw malformed }
        return start..<index
    }

    /// Reads a string whose opening quote is at `index`.
    private mutating func string() throws(WarehouseError) -> Text {
        index += 1
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case 0x22:
                index += 1
                return .raw(start..<index - 1)
            case 0x5C: return .escaped(try unescape(from: start))
            default: index += 1
            }
        }
        throw malformed
    }

    private mutating func unescape(from start: Int) throws(WarehouseError) -> String {
        var text = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x22 { return String(decoding: text, as: UTF8.self) }
            guard byte == 0x5C else {
                text.append(byte)
                continue
            }
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case 0x22, 0x5C, 0x2F: text.append(escape)
            case 0x62: text.append(0x08)
            case 0x66: text.append(0x0C)
            case 0x6E: text.append(0x0A)
            case 0x72: text.append(0x0D)
            case 0x74: text.append(0x09)
            case 0x75: text.append(contentsOf: String(Character(try unicodeScalar())).utf8)
            default: throw malformed
            }
        }
        throw malformed
    }

    /// The scalar of a `\uXXXX` escape (the `\u` already read), joining surrogate pairs.
    private mutating func unicodeScalar() throws(WarehouseError) -> Unicode.Scalar {
        let high = try hex4()
        if (0xD800...0xDBFF).contains(high), index + 6 <= bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 {
            index += 2
            let low = try hex4()
            let combined = 0x10000 + ((high - 0xD800) << 10) + (low &- 0xDC00)
            if (0xDC00...0xDFFF).contains(low), let scalar = Unicode.Scalar(combined) { return scalar }
        }
        return Unicode.Scalar(high) ?? "\u{FFFD}"
    }

    private mutating func hex4() throws(WarehouseError) -> UInt32 {
        guard index + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw malformed }
        index += 4
        return value
    }
}
