/// A JSON value as BigQuery's REST API sends and receives it.
///
/// Numbers keep their text, so INT64 values beyond 2^53 survive a round trip (BigQuery sends most of them
/// as strings anyway, but nested RECORD data and error codes are numbers). Objects serialize with sorted
/// keys, so request bodies are deterministic.
public enum BigQueryJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([BigQueryJSON])
    case object([String: BigQueryJSON])

    public subscript(key: String) -> BigQueryJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Strings and numbers both read as integers: BigQuery sends int64 fields as strings.
    public var int64: Int64? {
        switch self {
        case .string(let text), .number(let text): Int64(text)
        default: nil
        }
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var array: [BigQueryJSON]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var object: [String: BigQueryJSON]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public static func number(_ value: Int) -> BigQueryJSON { .number(String(value)) }

    /// Compact UTF-8 text with sorted keys.
    public var serialized: [UInt8] {
        var output: [UInt8] = []
        write(into: &output)
        return output
    }

    public var text: String { String(decoding: serialized, as: UTF8.self) }

    private func write(into output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): output.append(contentsOf: text.utf8)
        case .string(let value): Self.writeString(value, into: &output)
        case .array(let values):
            output.append(0x5B)
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(0x2C) }
                value.write(into: &output)
            }
            output.append(0x5D)
        case .object(let members):
            output.append(0x7B)
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output.append(0x2C) }
                Self.writeString(key, into: &output)
                output.append(0x3A)
                members[key]!.write(into: &output)
            }
            output.append(0x7D)
        }
    }

    private static func writeString(_ value: String, into output: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        output.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22: output.append(contentsOf: [0x5C, 0x22])
            case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: output.append(contentsOf: [0x5C, 0x72])
            case 0x09: output.append(contentsOf: [0x5C, 0x74])
            case 0..<0x20:
                output.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: output.append(byte)
            }
        }
        output.append(0x22)
    }
}
