/// Canonical re-serialization and string unescaping: the parts of the scanner that build text.
extension JSONScanner {
    /// Writes the value at `index` compactly, with object keys in byte order, and moves past it. An object's
    /// members are located first (values skipped), then written in order, each value scanned where it lies.
    @usableFromInline mutating func writeCanonical(into out: inout [UInt8], depth: Int) throws(WarehouseError) {
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
        switch text {
        case .raw(let range):
            out.append(0x22)
            out.append(contentsOf: bytes[range])
            out.append(0x22)
        case .escaped(let string): JSONEscaping.appendQuoted(string, to: &out)
        }
    }

    @usableFromInline mutating func unescape(from start: Int) throws(WarehouseError) -> String {
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
