import Foundation

/// Reads a file line by line in 1 MiB chunks, so memory is bounded by the longest line, not the file.
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

    private static func newline(in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBytes { raw in
            guard start < raw.count, let base = raw.baseAddress,
                let found = memchr(base + start, 0x0A, raw.count - start)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }

    /// Calls `body` with each line's bytes (without the newline) and its 1-based number, then closes the file.
    func forEachLine(_ body: (ArraySlice<UInt8>, Int) throws -> Void) throws {
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var number = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = pending.startIndex
            while let newline = Self.newline(in: pending, from: start) {
                number += 1
                try body(pending[start..<newline], number)
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty {
            number += 1
            try body(pending[...], number)
        }
    }
}
