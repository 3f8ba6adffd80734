import Foundation

/// Finds which of a decoder's known keys a scanned key is, without building a string.
///
/// Writers such as BigQuery's export emit keys in a fixed order, so the key after the previous match is
/// tried first; others fall back to a scan of the (short) list.
public struct JSONKeyTable: Sendable {
    @usableFromInline let names: [[UInt8]]

    public init(_ names: [String]) {
        self.names = names.map { Array($0.utf8) }
    }

    /// The index of `key` among the names, or nil for a key the decoder does not read.
    @inlinable
    public func index(of key: JSONScanner.Text, in scanner: JSONScanner, after previous: Int) -> Int? {
        switch key {
        case .escaped(let text):
            let bytes = Array(text.utf8)
            return names.firstIndex { $0 == bytes }
        case .raw(let range):
            return scanner.bytes.withUnsafeBytes { bytes in
                let key = UnsafeRawBufferPointer(rebasing: bytes[range])
                let expected = previous + 1
                if expected >= 0, expected < names.count, Self.equal(names[expected], key) { return expected }
                return names.firstIndex { Self.equal($0, key) }
            }
        }
    }

    @inlinable static func equal(_ name: [UInt8], _ key: UnsafeRawBufferPointer) -> Bool {
        guard name.count == key.count else { return false }
        guard let keyBase = key.baseAddress else { return true }
        return name.withUnsafeBytes { name in memcmp(name.baseAddress!, keyBase, key.count) == 0 }
    }
}
