#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Unpadded base64url (RFC 4648 §5), the encoding of JWT segments; Foundation only offers the standard alphabet.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return String(
            text.map { character in
                switch character {
                case "+": "-"
                case "/": "_"
                default: character
                }
            }
        )
    }

    /// Accepts padded or unpadded input; returns nil for characters outside the base64url alphabet.
    public static func decode(_ string: String) -> [UInt8]? {
        guard !string.contains("+"), !string.contains("/") else { return nil }
        var text = String(
            string.map { character in
                switch character {
                case "-": "+"
                case "_": "/"
                default: character
                }
            }
        )
        while text.count % 4 != 0 { text.append("=") }
        return Data(base64Encoded: text).map(Array.init)
    }
}
