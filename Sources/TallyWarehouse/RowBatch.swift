import Foundation

/// Rows of the same columns, stored positionally: what bulk loads hand to `Warehouse.insert(_:into:options:)`.
///
/// A `Row` dictionary hashes every column name of every row, and an array of `WarehouseValue`s holds a
/// reference per text value that the writing thread must retain, release and free: on a million-row load of
/// sixty-odd columns both cost more than the warehouse's own insert. A batch names its columns once and keeps
/// each value as a 16-byte cell without references, the bytes of all its text in one buffer.
public struct RowBatch: Sendable {
    public let columns: [String]
    /// Row-major cells: row `r`, column `c` is at `r * columns.count + c`.
    private(set) var cells: [Cell] = []
    /// The bytes of text, date, JSON and bytes cells, in the order they were appended.
    private(set) var text: [UInt8] = []

    /// One value: its kind and either its bits (numbers, booleans, timestamps) or where its bytes are in `text`.
    struct Cell: Sendable {
        enum Kind: UInt8, Sendable {
            case null, bool, int, double, string, bytes, timestamp, date, json
        }

        var kind: Kind
        /// Bytes in `text`, for the kinds that have them.
        var length: UInt32
        /// The value's bits, or its first byte's offset in `text`.
        var payload: UInt64

        static let null = Cell(kind: .null, length: 0, payload: 0)

        var textRange: Range<Int> { Int(payload)..<Int(payload) + Int(length) }
    }

    public init(columns: [String], capacity: Int = 0) {
        precondition(!columns.isEmpty, "a row batch needs columns")
        self.columns = columns
        cells.reserveCapacity(capacity * columns.count)
    }

    /// Keyed rows laid out in `columns` order; a key that is not a column is refused.
    public init(columns: [String], rows: [Row]) throws(WarehouseError) {
        self.init(columns: columns, capacity: rows.count)
        for row in rows {
            var present = 0
            for name in columns {
                let value = row[name]
                if value != nil { present += 1 }
                append(value ?? .null)
            }
            guard present == row.count else {
                let unknown = row.keys.filter { !columns.contains($0) }.sorted()
                throw .invalidValue("no column \(unknown.first ?? "")")
            }
        }
    }

    public var count: Int { cells.count / columns.count }
    public var isEmpty: Bool { cells.isEmpty }

    /// Appends one row, its values in `columns` order.
    public mutating func append(_ row: [WarehouseValue]) {
        precondition(row.count == columns.count, "a row has one value per column")
        for value in row { append(value) }
    }

    public mutating func removeAll() {
        cells.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
    }

    /// The value of `column` (an index into `columns`) in row `row`.
    public subscript(row: Int, column: Int) -> WarehouseValue {
        let cell = cells[row * columns.count + column]
        switch cell.kind {
        case .null: return .null
        case .bool: return .bool(cell.payload != 0)
        case .int: return .int(Int64(bitPattern: cell.payload))
        case .double: return .double(Double(bitPattern: cell.payload))
        case .timestamp: return .timestamp(Date(timeIntervalSinceReferenceDate: Double(bitPattern: cell.payload)))
        case .bytes: return .bytes(Array(text[cell.textRange]))
        case .string: return .string(String(decoding: text[cell.textRange], as: UTF8.self))
        case .date: return .date(String(decoding: text[cell.textRange], as: UTF8.self))
        case .json: return .json(String(decoding: text[cell.textRange], as: UTF8.self))
        }
    }

    /// The rows as dictionaries, null values left out.
    public var rows: [Row] {
        (0..<count).map { row in
            var keyed = Row(minimumCapacity: columns.count)
            for (index, name) in columns.enumerated() where cells[row * columns.count + index].kind != .null {
                keyed[name] = self[row, index]
            }
            return keyed
        }
    }

    private mutating func append(_ value: WarehouseValue) {
        switch value {
        case .null: cells.append(.null)
        case .bool(let flag): cells.append(Cell(kind: .bool, length: 0, payload: flag ? 1 : 0))
        case .int(let number): cells.append(Cell(kind: .int, length: 0, payload: UInt64(bitPattern: number)))
        case .double(let number): cells.append(Cell(kind: .double, length: 0, payload: number.bitPattern))
        case .timestamp(let date):
            cells.append(Cell(kind: .timestamp, length: 0, payload: date.timeIntervalSinceReferenceDate.bitPattern))
        case .string(let value): appendText(value, as: .string)
        case .date(let value): appendText(value, as: .date)
        case .json(let value): appendText(value, as: .json)
        case .bytes(let bytes): bytes.withUnsafeBytes { appendBytes($0, as: .bytes) }
        }
    }

    private mutating func appendText(_ value: String, as kind: Cell.Kind) {
        var value = value
        value.withUTF8 { appendBytes(UnsafeRawBufferPointer($0), as: kind) }
    }

    private mutating func appendBytes(_ raw: UnsafeRawBufferPointer, as kind: Cell.Kind) {
        let start = text.count
        text.append(contentsOf: raw)
        let length = raw.count
        precondition(length <= Int(UInt32.max), "a value longer than 4 GiB")
        cells.append(Cell(kind: kind, length: UInt32(length), payload: UInt64(start)))
    }
}
