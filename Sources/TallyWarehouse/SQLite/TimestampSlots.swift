import Foundation

/// Per column of a bulk insert, the text of the timestamp bound last: bulk rows repeat billing periods and
/// hours, so a column's text is rewritten only when its value changes. Slots are fixed memory, so text bound
/// `SQLITE_STATIC` from them stays valid until the next row's binding.
struct TimestampSlots: ~Copyable {
    private let storage: UnsafeMutableRawPointer
    private var current: [UInt64?]
    private var scratch = [UInt8](repeating: 0, count: TimestampText.length)

    init(columns: Int) {
        storage = .allocate(byteCount: max(columns, 1) * TimestampText.length, alignment: 1)
        current = Array(repeating: nil, count: columns)
    }

    deinit { storage.deallocate() }

    /// The text of the timestamp whose `timeIntervalSinceReferenceDate` has bit pattern `bits`, in `column`'s
    /// slot (`TimestampText.length` bytes); nil for dates the fast formatter does not cover.
    mutating func text(of bits: UInt64, column: Int) -> UnsafePointer<CChar>? {
        let slot = storage + column * TimestampText.length
        if current[column] != bits {
            let date = Date(timeIntervalSinceReferenceDate: Double(bitPattern: bits))
            guard TimestampText.write(date, into: &scratch) else {
                current[column] = nil
                return nil
            }
            scratch.withUnsafeBytes { slot.copyMemory(from: $0.baseAddress!, byteCount: TimestampText.length) }
            current[column] = bits
        }
        return UnsafePointer(slot.assumingMemoryBound(to: CChar.self))
    }
}
