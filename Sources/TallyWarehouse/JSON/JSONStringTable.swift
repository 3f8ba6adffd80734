import Foundation

/// Recently read short strings, so a loader decoding millions of rows makes each repeated value (a service, a
/// SKU, a project, a label) once rather than once per row: a lookup hashes and compares the bytes, where a new
/// `String` costs an allocation, a copy, UTF-8 validation and later a free.
///
/// Direct-mapped: a slot holds the last string that hashed to it, so memory is fixed and a miss only costs the
/// `String` it would have cost anyway. One table per decoding thread; it is not thread-safe.
public final class JSONStringTable {
    private struct Slot {
        var hash: UInt64
        var string: String
    }

    /// Longer strings (ids, descriptions) are rarely repeated verbatim enough to be worth a slot.
    static let maximumLength = 64
    private var slots: [Slot?]
    private let mask: Int

    /// `capacity` slots, rounded up to a power of two.
    public init(capacity: Int = 4096) {
        var size = 1
        while size < capacity { size <<= 1 }
        slots = Array(repeating: nil, count: size)
        mask = size - 1
    }

    /// The string of UTF-8 `bytes`, shared with earlier reads of the same bytes where the table has it.
    public func string(_ bytes: UnsafeRawBufferPointer) -> String {
        guard bytes.count <= Self.maximumLength else { return String(decoding: bytes, as: UTF8.self) }
        let hash = Self.hash(bytes)
        let index = Int(truncatingIfNeeded: hash) & mask
        if var slot = slots[index], slot.hash == hash {
            let equal = slot.string.withUTF8 { stored in
                stored.count == bytes.count
                    && (bytes.isEmpty || memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
            }
            if equal { return slot.string }
        }
        let string = String(decoding: bytes, as: UTF8.self)
        slots[index] = Slot(hash: hash, string: string)
        return string
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        return value
    }
}
