extension BigQueryJSON {
    /// Parses one JSON document; nil when the text is not JSON (an HTML error page from a proxy, say).
    public static func parse(_ bytes: [UInt8]) -> BigQueryJSON? {
        var parser = Parser(bytes: bytes)
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipSpace()
        return parser.index == bytes.count ? value : nil
    }

    public static func parse(_ text: String) -> BigQueryJSON? {
        parse(Array(text.utf8))
    }

    /// A byte-level recursive-descent parser; depth is bounded so hostile nesting cannot overflow the stack.
    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value(depth: Int) -> BigQueryJSON? {
            skipSpace()
            guard index < bytes.count, depth < 256 else { return nil }
            switch bytes[index] {
            case 0x7B: return object(depth: depth)
            case 0x5B: return array(depth: depth)
            case 0x22: return string().map(BigQueryJSON.string)
            case 0x74: return literal("true", .bool(true))
            case 0x66: return literal("false", .bool(false))
            case 0x6E: return literal("null", .null)
            default: return number()
            }
        }

        private mutating func literal(_ word: String, _ value: BigQueryJSON) -> BigQueryJSON? {
            let end = index + word.utf8.count
            guard end <= bytes.count, bytes[index..<end].elementsEqual(word.utf8) else { return nil }
            index = end
            return value
        }

        private mutating func number() -> BigQueryJSON? {
            let start = index
            while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            return index > start && Double(text) != nil ? .number(text) : nil
        }

        private mutating func array(depth: Int) -> BigQueryJSON? {
            index += 1
            var values: [BigQueryJSON] = []
            skipSpace()
            if index < bytes.count, bytes[index] == 0x5D {
                index += 1
                return .array(values)
            }
            while true {
                guard let value = value(depth: depth + 1) else { return nil }
                values.append(value)
                skipSpace()
                guard index < bytes.count else { return nil }
                index += 1
                if bytes[index - 1] == 0x5D { return .array(values) }
                guard bytes[index - 1] == 0x2C else { return nil }
            }
        }

        private mutating func object(depth: Int) -> BigQueryJSON? {
            index += 1
            var members: [String: BigQueryJSON] = [:]
            skipSpace()
            if index < bytes.count, bytes[index] == 0x7D {
                index += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x22, let key = string() else { return nil }
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x3A else { return nil }
                index += 1
                guard let value = value(depth: depth + 1) else { return nil }
                members[key] = value
                skipSpace()
                guard index < bytes.count else { return nil }
                index += 1
                if bytes[index - 1] == 0x7D { return .object(members) }
                guard bytes[index - 1] == 0x2C else { return nil }
            }
        }

        private mutating func string() -> String? {
            index += 1
            var output: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case 0x22: return String(decoding: output, as: UTF8.self)
                case 0x5C:
                    guard index < bytes.count else { return nil }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case 0x22, 0x5C, 0x2F: output.append(escape)
                    case 0x62: output.append(0x08)
                    case 0x66: output.append(0x0C)
                    case 0x6E: output.append(0x0A)
                    case 0x72: output.append(0x0D)
                    case 0x74: output.append(0x09)
                    case 0x75:
                        guard let scalar = unicodeEscape() else { return nil }
                        output.append(contentsOf: String(Character(scalar)).utf8)
                    default: return nil
                    }
                default: output.append(byte)
                }
            }
            return nil
        }

        /// `\uXXXX`, joining a UTF-16 surrogate pair into one scalar.
        private mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let high = hex4() else { return nil }
            if (0xD800..<0xDC00).contains(high) {
                guard index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else { return nil }
                index += 2
                guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            }
            return Unicode.Scalar(high)
        }

        private mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count,
                let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
            else { return nil }
            index += 4
            return value
        }
    }
}
