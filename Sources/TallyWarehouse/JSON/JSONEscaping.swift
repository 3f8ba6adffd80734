/// JSON string escaping for writers that build JSON text byte by byte (canonical re-serialization, the FOCUS
/// `Tags` and `x_Credits` values of bulk loads): quotes, backslashes and control characters escaped, the rest
/// (all other UTF-8) copied as is.
public enum JSONEscaping {
    /// Appends `text` as a JSON string literal, quotes included.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        appendEscaped(text, to: &out)
        out.append(0x22)
    }

    /// Appends the escaped contents of `text`, without quotes. Text with nothing to escape (the usual case) is
    /// copied in one piece.
    public static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        var text = text
        let plain = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        guard !plain else { return }
        for byte in text.utf8 {
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
}
