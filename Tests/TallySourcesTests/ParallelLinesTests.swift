import Foundation
import Testing

@testable import TallySources

@Suite struct ParallelLinesTests {
    func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "tally-lines-\(UUID().uuidString).txt"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every line exactly once with its number, across chunk boundaries (lines longer than a chunk included).
    @Test func everyLineOnceWithItsNumber() throws {
        var text = ""
        var expected: [Int: String] = [:]
        for number in 1...30_000 {
            let line = number % 7_001 == 0 ? String(repeating: "x", count: 1 << 20 + 5) : "line \(number)"
            expected[number] = line
            text += line + (number == 30_000 ? "" : "\n")
        }
        let path = try file(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let seen = Seen()
        try ParallelLines.forEach(path: path, workers: 3) { worker, line, number in
            #expect((0..<3).contains(worker))
            seen.add(number, String(decoding: line, as: UTF8.self))
        }
        #expect(seen.lines == expected)
    }

    @Test func aWorkerErrorStopsTheRunAndIsRethrown() throws {
        let path = try file((1...50_000).map { "row \($0)" }.joined(separator: "\n"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        struct Boom: Error, Equatable {}
        #expect(throws: Boom()) {
            try ParallelLines.forEach(path: path, workers: 2) { _, _, number in
                if number == 1_234 { throw Boom() }
            }
        }
    }

    private final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var lines: [Int: String] = [:]

        func add(_ number: Int, _ line: String) {
            lock.withLock {
                #expect(lines[number] == nil)
                lines[number] = line
            }
        }
    }
}
