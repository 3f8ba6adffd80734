#if canImport(Glibc)
    import Glibc
#endif

/// The FastCGI params of one request, in the order the server sent them, as raw bytes (the parser refuses
/// invalid UTF-8 itself).
///
/// Every param lives in one byte buffer with one index beside it, and a worker reuses one value for all its
/// requests (`removeAll()` keeps the capacity): copying the ~25 params nginx sends then allocates nothing,
/// and a lookup is a short byte comparison, not a hashed `String` key. Per-request dictionaries of params
/// were the largest single cost of a cheap request.
public struct CGIParams: Sendable, RandomAccessCollection {
    private struct Entry: Sendable {
        var nameStart: Int
        var valueStart: Int
        var end: Int
    }

    private var bytes: [UInt8] = []
    private var entries: [Entry] = []

    public init() {}

    /// Params from a dictionary, for tests and tools; the order of the entries is the dictionary's.
    public init(_ params: [String: [UInt8]]) {
        for (name, value) in params { append(name: Array(name.utf8), value: value) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }

    /// The param at `position`: its name and value bytes.
    public subscript(position: Int) -> (name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) {
        let entry = entries[position]
        return (bytes[entry.nameStart..<(entry.valueStart - 1)], bytes[entry.valueStart..<entry.end])
    }

    /// Forgets every param and keeps the storage for the next request.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    /// Appends one param in libfcgi's form, `NAME=value`, when `isWanted(NAME)`; an entry without `=` is not a
    /// param and is skipped.
    public mutating func append(
        entry: UnsafeBufferPointer<UInt8>, where isWanted: (UnsafeBufferPointer<UInt8>) -> Bool = { _ in true }
    ) {
        guard let base = entry.baseAddress, let found = memchr(base, Int32(UInt8(ascii: "=")), entry.count) else {
            return
        }
        let equals = UnsafeRawPointer(found) - UnsafeRawPointer(base)
        guard isWanted(UnsafeBufferPointer(rebasing: entry[..<equals])) else { return }
        let start = bytes.count
        bytes.append(contentsOf: entry)
        entries.append(Entry(nameStart: start, valueStart: start + equals + 1, end: bytes.count))
    }

    public mutating func append(name: some Collection<UInt8>, value: some Collection<UInt8>) {
        let start = bytes.count
        bytes.append(contentsOf: name)
        bytes.append(UInt8(ascii: "="))
        let valueStart = bytes.count
        bytes.append(contentsOf: value)
        entries.append(Entry(nameStart: start, valueStart: valueStart, end: bytes.count))
    }

    /// The value of the first param called `name` (as libfcgi's `FCGX_GetParam` answers), or nil.
    public func value(_ name: StaticString) -> ArraySlice<UInt8>? {
        let count = name.utf8CodeUnitCount
        let found: Entry? = bytes.withUnsafeBufferPointer { all in
            entries.withUnsafeBufferPointer { entries in
                entries.first { entry in
                    entry.valueStart - 1 - entry.nameStart == count
                        && (count == 0 || memcmp(all.baseAddress! + entry.nameStart, name.utf8Start, count) == 0)
                }
            }
        }
        return found.map { bytes[$0.valueStart..<$0.end] }
    }
}
