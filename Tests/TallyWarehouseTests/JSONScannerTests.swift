import Foundation
import TallyWarehouse
import Testing

/// The typed readers bulk decoders use, and the fast number path they rely on.
@Suite struct JSONScannerTests {
    @Test func readsAnObjectMemberByMember() throws {
        let text =
            #"{"a": "x\"y", "n": 12.5, "s": "7", "t": "2025-11-15 10:00:00 UTC", "z": null, "b": true, "o": {"k": [1]}}"#
        var scanner = JSONScanner(bytes: Array(text.utf8))
        var cursor = try #require(try scanner.enterObject())
        let keys = JSONKeyTable(["a", "n", "s", "t", "z", "b"])
        var seen: [Int] = []
        var previous = -1
        while let key = try scanner.nextKey(&cursor) {
            guard let index = keys.index(of: key, in: scanner, after: previous) else {
                try scanner.skipValue()
                continue
            }
            previous = index
            seen.append(index)
            switch index {
            case 0: #expect(try scanner.readString() == "x\"y")
            case 1: #expect(try scanner.readDouble() == 12.5)
            case 2: #expect(try scanner.readDouble() == 7)
            case 3: #expect(try scanner.readTimestamp() == Date(timeIntervalSince1970: 1_763_200_800))
            case 4: #expect(try scanner.readString() == nil)
            default: #expect(try scanner.readBool() == true)
            }
        }
        try scanner.expectEnd()
        #expect(seen == [0, 1, 2, 3, 4, 5])
    }

    @Test func arraysAndNullContainers() throws {
        var scanner = JSONScanner(bytes: Array(#"[[], null, [1, 2]]"#.utf8))
        var outer = try #require(try scanner.enterArray())
        var counts: [Int?] = []
        while try scanner.nextElement(&outer) {
            guard var inner = try scanner.enterArray() else {
                counts.append(nil)
                continue
            }
            var count = 0
            while try scanner.nextElement(&inner) {
                _ = try scanner.readDouble()
                count += 1
            }
            counts.append(count)
        }
        #expect(counts == [0, nil, 2])
    }

    @Test func typeMismatchesAndMalformedInputAreErrors() {
        var scanner = JSONScanner(bytes: Array(#"{"a": [1]}"#.utf8))
        #expect(throws: WarehouseError.self) {
            var cursor = try #require(try scanner.enterObject())
            _ = try scanner.nextKey(&cursor)
            _ = try scanner.readString()
        }
        var truncated = JSONScanner(bytes: Array(#"{"a": "unterminated"#.utf8))
        #expect(throws: WarehouseError.self) {
            var cursor = try #require(try truncated.enterObject())
            _ = try truncated.nextKey(&cursor)
            _ = try truncated.readString()
        }
    }

    /// The fast path must agree with strtod to the last bit wherever it is taken.
    @Test(arguments: [
        "0", "-0", "17.959314", "-0.36", "0.1", "1234567.891", "999999999999999", "0.000000000000001",
        "123456789012.345", "1e3", "-2.5E-3", "12345678901234567890", "0.30000000000000004",
    ])
    func numbersMatchStrtod(literal: String) {
        let parsed = JSONScanner.double(Array(literal.utf8)[...])
        #expect(parsed == Double(literal))
        #expect(parsed?.sign == Double(literal)?.sign)
    }

    @Test func notNumbers() {
        for literal in ["", "-", "1.2.3", "abc", "1,5"] {
            #expect(JSONScanner.double(Array(literal.utf8)[...]) == nil, "\(literal)")
        }
    }

    /// A string table hands back the same text however often it is read, whether the slot holds it, another
    /// string with the same slot, or nothing; long strings bypass it.
    @Test func stringTableReturnsTheBytesItWasGiven() throws {
        let table = JSONStringTable(capacity: 2)
        let values = [
            "Compute Engine", "", "é-ü", "Compute Engine", "us-west1", "Compute Engine",
            String(repeating: "x", count: 80),
        ]
        for value in values + values.reversed() {
            let line = Array("{\"s\":\"\(value)\"}".utf8)
            var scanner = JSONScanner(bytes: line, strings: table)
            var cursor = try #require(try scanner.enterObject())
            _ = try scanner.nextKey(&cursor)
            #expect(try scanner.readString() == value)
        }
    }

    /// Strings are scanned sixteen bytes at a time: every length, with an escape at every position, must still
    /// end at the right quote.
    @Test func stringsOfEveryLengthAndEscapePosition() throws {
        for length in 0..<40 {
            let plain = String(repeating: "a", count: length)
            var texts = [plain]
            for position in 0...length {
                var escaped = Array(plain)
                escaped.insert(contentsOf: #"\""#, at: position)
                texts.append(String(escaped))
            }
            for text in texts {
                let line = Array(#"{"s":"\#(text)","n":1}"#.utf8)
                var scanner = JSONScanner(bytes: line)
                var cursor = try #require(try scanner.enterObject())
                _ = try scanner.nextKey(&cursor)
                #expect(try scanner.readString() == text.replacingOccurrences(of: #"\""#, with: "\""))
                _ = try scanner.nextKey(&cursor)
                #expect(try scanner.readDouble() == 1)
            }
        }
    }
}
