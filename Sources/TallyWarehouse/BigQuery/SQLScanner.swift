/// A lexical pass over GoogleSQL text: finds `@name` parameter references and top-level `;` outside string
/// literals (`'…'`, `"…"`, triple-quoted, raw and bytes prefixes), quoted identifiers (`` `…` ``) and comments
/// (`--`, `#`, `/* */`). It does not parse SQL; it only needs to know what is code and what is not.
struct SQLScanner {
    enum Token: Equatable {
        /// `@name` (not a `@@system_variable`); `range` covers the `@` and the name.
        case parameter(name: String, range: Range<Int>)
        case semicolon(at: Int)
        case word(String)
    }

    let bytes: [UInt8]

    init(_ sql: String) {
        bytes = Array(sql.utf8)
    }

    /// Tokens outside literals and comments, in order: parameters, semicolons and bare words.
    var tokens: [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x27, 0x22: index = skipString(from: index)
            case 0x60: index = skipUntil(0x60, from: index + 1)
            case 0x23: index = skipLine(from: index)
            case 0x2D where next(index) == 0x2D: index = skipLine(from: index)
            case 0x2F where next(index) == 0x2A: index = skipBlockComment(from: index + 2)
            case 0x3B:
                tokens.append(.semicolon(at: index))
                index += 1
            case 0x40:
                if next(index) == 0x40 {
                    index = wordEnd(from: index + 2)
                } else {
                    let end = wordEnd(from: index + 1)
                    if end > index + 1 {
                        tokens.append(.parameter(name: text(index + 1..<end), range: index..<end))
                    }
                    index = max(end, index + 1)
                }
            default:
                if Self.isWordByte(byte) {
                    let end = wordEnd(from: index)
                    // r'…', b'…', rb'…': a string prefix, not a word.
                    if end < bytes.count, bytes[end] == 0x27 || bytes[end] == 0x22,
                        ["r", "b", "rb", "br"].contains(text(index..<end).lowercased())
                    {
                        index = skipString(from: end)
                    } else {
                        tokens.append(.word(text(index..<end)))
                        index = end
                    }
                } else {
                    index += 1
                }
            }
        }
        return tokens
    }

    /// Parameter names referenced, lowercased (BigQuery matches them case-insensitively).
    var parameterNames: Set<String> {
        Set(
            tokens.compactMap {
                if case .parameter(let name, _) = $0 { return name.lowercased() }
                return nil
            })
    }

    /// The text with each `@name` replaced by `replacement(name)`, or kept when it returns nil.
    func replacingParameters(_ replacement: (String) -> String?) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        for case .parameter(let name, let range) in tokens {
            guard let new = replacement(name) else { continue }
            output.append(contentsOf: bytes[position..<range.lowerBound])
            output.append(contentsOf: new.utf8)
            position = range.upperBound
        }
        output.append(contentsOf: bytes[position...])
        return String(decoding: output, as: UTF8.self)
    }

    /// The first keyword, uppercased (`SELECT`, `WITH`, `INSERT`, …); nil for text without one.
    var firstWord: String? {
        for case .word(let word) in tokens { return word.uppercased() }
        return nil
    }

    /// True when a `;` is followed by more code: the text holds more than one statement.
    var hasSeveralStatements: Bool {
        let items = tokens
        guard let semicolon = items.firstIndex(where: { if case .semicolon = $0 { true } else { false } }) else {
            return false
        }
        return items[(semicolon + 1)...].contains { if case .semicolon = $0 { false } else { true } }
    }

    /// The text without trailing semicolons and blanks, for embedding in a script.
    var trimmedStatement: String {
        var end = bytes.count
        for token in tokens.reversed() {
            guard case .semicolon(let at) = token, bytes[(at + 1)..<end].allSatisfy(Self.isSpace) else { break }
            end = at
        }
        while end > 0, Self.isSpace(bytes[end - 1]) { end -= 1 }
        return text(0..<end)
    }

    private func next(_ index: Int) -> UInt8? { index + 1 < bytes.count ? bytes[index + 1] : nil }
    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte >= 0x80
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    private func wordEnd(from start: Int) -> Int {
        var end = start
        while end < bytes.count, Self.isWordByte(bytes[end]) { end += 1 }
        return end
    }

    /// Past a quoted string starting at `start`: triple quotes end at the same triple, backslash escapes.
    private func skipString(from start: Int) -> Int {
        let quote = bytes[start]
        let triple = start + 2 < bytes.count && bytes[start + 1] == quote && bytes[start + 2] == quote
        var index = start + (triple ? 3 : 1)
        while index < bytes.count {
            if bytes[index] == 0x5C {
                index += 2
            } else if bytes[index] == quote {
                if !triple { return index + 1 }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote { return index + 3 }
                index += 1
            } else {
                index += 1
            }
        }
        return bytes.count
    }

    private func skipUntil(_ terminator: UInt8, from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] != terminator { index += bytes[index] == 0x5C ? 2 : 1 }
        return min(index + 1, bytes.count)
    }

    private func skipLine(from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] != 0x0A { index += 1 }
        return index
    }

    private func skipBlockComment(from start: Int) -> Int {
        var index = start
        while index + 1 < bytes.count, !(bytes[index] == 0x2A && bytes[index + 1] == 0x2F) { index += 1 }
        return min(index + 2, bytes.count)
    }
}
