import Foundation

/// Reads a file in 1 MiB chunks cut at line ends, so memory is bounded by the chunk and the longest line, not
/// the file.
struct LineReader {
    private let handle: FileHandle

    /// Opens `path`; errors name only the file's last path component.
    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SourceError(
                "GCP billing export: cannot open \(URL(fileURLWithPath: path).lastPathComponent) "
                    + "(billing_export_file must name a readable NDJSON file)")
        }
        self.handle = handle
    }

    /// Calls `body` with each line's bytes (without the newline) and its 1-based number, then closes the file.
    func forEachLine(_ body: (ArraySlice<UInt8>, Int) throws -> Void) throws {
        try forEachChunk { bytes, firstLine in try Self.forEachLine(in: bytes, firstLine: firstLine, body) }
    }

    /// Calls `body` with runs of whole lines (newline-separated, the last one possibly unterminated at the end of
    /// the file) and the number of their first line, then closes the file.
    func forEachChunk(_ body: ([UInt8], Int) throws -> Void) throws {
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var nextLine = 1
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            pending.append(contentsOf: data)
            guard let lastNewline = pending.lastIndex(of: 0x0A) else { continue }
            let chunk = Array(pending[...lastNewline])
            pending.removeSubrange(...lastNewline)
            let lines = Self.count(newlinesIn: chunk)
            try body(chunk, nextLine)
            nextLine += lines
        }
        if !pending.isEmpty { try body(pending, nextLine) }
    }

    /// Calls `body` for each line of `bytes` (lines end at newlines; a final unterminated line counts too).
    static func forEachLine(
        in bytes: [UInt8], firstLine: Int, _ body: (ArraySlice<UInt8>, Int) throws -> Void
    ) throws {
        var start = 0
        var number = firstLine
        while start < bytes.count {
            let end = newline(in: bytes, from: start) ?? bytes.count
            try body(bytes[start..<end], number)
            number += 1
            start = end + 1
        }
    }

    private static func count(newlinesIn bytes: [UInt8]) -> Int {
        var count = 0
        var start = 0
        while let found = newline(in: bytes, from: start) {
            count += 1
            start = found + 1
        }
        return count
    }

    private static func newline(in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBytes { raw in
            guard start < raw.count, let base = raw.baseAddress,
                let found = memchr(base + start, 0x0A, raw.count - start)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }
}
