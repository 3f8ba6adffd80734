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
