/// BigQuery's label rules: keys and values at most 63 characters of lowercase letters, digits, `_` and `-`;
/// keys start with a letter; values may be empty. Tally keeps to ASCII.
enum BigQueryLabels {
    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.utf8.first, (0x61...0x7A).contains(first) else { return false }
        return isValidValue(key)
    }

    static func isValidValue(_ value: String) -> Bool {
        value.utf8.count <= 63 && value.utf8.allSatisfy(isLabelByte)
    }

    /// Dataset labels are caller data that must be kept exactly, so invalid ones are refused, naming the key.
    static func validate(_ labels: [String: String]) throws(WarehouseError) {
        for (key, value) in labels {
            guard isValidKey(key) else { throw .invalidValue("label key \(key) is not a valid BigQuery label key") }
            guard isValidValue(value) else {
                throw .invalidValue("value of label \(key) is not a valid BigQuery label")
            }
        }
    }

    /// Job labels only attribute spend, so they are fitted instead: lowercased, other characters as `_`,
    /// cut to 63. Nil for a key that cannot start with a letter.
    static func sanitizedKey(_ key: String) -> String? {
        let value = sanitizedValue(key)
        guard let first = value.utf8.first, (0x61...0x7A).contains(first) else { return nil }
        return value
    }

    static func sanitizedValue(_ value: String) -> String {
        let bytes = value.lowercased().utf8.prefix(63).map { isLabelByte($0) ? $0 : 0x5F }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isLabelByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x5F || byte == 0x2D
    }
}
