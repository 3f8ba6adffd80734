/// A tenant's id, which is also its dataset's name: 3 to 50 characters of `[a-z0-9_]`, starting with a
/// letter. Validated before it touches the warehouse, so it is safe in SQL identifiers and file names.
public struct TenantID: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init?(_ text: String) {
        guard Self.isValid(text) else { return nil }
        value = text
    }

    public var description: String { value }

    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (3...50).contains(bytes.count), let first = bytes.first, first >= 0x61, first <= 0x7A else {
            return false
        }
        return bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }
}
