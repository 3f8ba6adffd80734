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

        /// `textRange` in one word (offset in the low 40 bits, length above; for offsets under 2^40 and lengths
        /// under 2^24), for remembering what was bound.
        var packedRange: UInt64 { payload | UInt64(length) << 40 }

        static func range(packed: UInt64) -> Range<Int> {
            let start = Int(packed & (1 << 40 - 1))
            return start..<start + Int(packed >> 40)
        }
    }

    /// `capacity` rows and `textCapacity` bytes of text are reserved, so a bulk load's batches do not grow.
    public init(columns: [String], capacity: Int = 0, textCapacity: Int = 0) {
        precondition(!columns.isEmpty, "a row batch needs columns")
        self.columns = columns
        cells.reserveCapacity(capacity * columns.count)
        text.reserveCapacity(textCapacity)
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
    /// Bytes of text held, to size the next batch of a load.
    public var textCount: Int { text.count }

    /// Appends one row, its values in `columns` order.
    public mutating func append(_ row: [WarehouseValue]) {
        precondition(row.count == columns.count, "a row has one value per column")
        for value in row { append(value) }
    }

    /// Appends a row of nulls that `set(_:column:)` then fills in any order, so a mapper writes its values
    /// straight into the batch.
    public mutating func appendRow() {
        cells.append(contentsOf: repeatElement(.null, count: columns.count))
    }

    /// Sets `column` of the last row.
    public mutating func set(_ value: WarehouseValue, column: Int) {
        precondition(!cells.isEmpty && column < columns.count, "set needs a row and a column")
        let index = cells.count - columns.count + column
        cells[index] = cell(value, above: index - columns.count)
    }

    /// Sets `column` of the last row to text (JSON text when `json`) that `write` appends to the bytes it is
    /// given, with no intermediate `String`.
    public mutating func setText(column: Int, json: Bool = false, _ write: (inout [UInt8]) -> Void) {
        precondition(!cells.isEmpty && column < columns.count, "setText needs a row and a column")
        let start = text.count
        write(&text)
        cells[cells.count - columns.count + column] = Cell(
            kind: json ? .json : .string, length: UInt32(text.count - start), payload: UInt64(start))
    }

    /// Whether `column` of the last row is null.
    public func lastRowIsNull(column: Int) -> Bool {
        cells[cells.count - columns.count + column].kind == .null
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
        cells.append(cell(value))
    }

    /// The cell of `value`, its bytes (if any) appended to `text` unless the cell at index `above` (the same
    /// column of the previous row, if any) holds the same text: rows repeat constants such as provider names,
    /// and sharing their bytes keeps the batch small and lets the writer skip binding them again.
    private mutating func cell(_ value: WarehouseValue, above: Int = -1) -> Cell {
        switch value {
        case .null: return .null
        case .bool(let flag): return Cell(kind: .bool, length: 0, payload: flag ? 1 : 0)
        case .int(let number): return Cell(kind: .int, length: 0, payload: UInt64(bitPattern: number))
        case .double(let number): return Cell(kind: .double, length: 0, payload: number.bitPattern)
        case .timestamp(let date):
            return Cell(kind: .timestamp, length: 0, payload: date.timeIntervalSinceReferenceDate.bitPattern)
        case .string(let value): return textCell(value, as: .string, above: above)
        case .date(let value): return textCell(value, as: .date, above: above)
        case .json(let value): return textCell(value, as: .json, above: above)
        case .bytes(let bytes): return bytes.withUnsafeBytes { bytesCell($0, as: .bytes) }
        }
    }

    private mutating func textCell(_ value: String, as kind: Cell.Kind, above: Int) -> Cell {
        var value = value
        return value.withUTF8 { bytes in
            if above >= 0, case let previous = cells[above], previous.kind == kind, Int(previous.length) == bytes.count,
                bytes.count > 0,
                text.withUnsafeBytes({
                    memcmp($0.baseAddress! + Int(previous.payload), bytes.baseAddress!, bytes.count)
                })
                    == 0
            {
                return previous
            }
            return bytesCell(UnsafeRawBufferPointer(bytes), as: kind)
        }
    }

    private mutating func bytesCell(_ raw: UnsafeRawBufferPointer, as kind: Cell.Kind) -> Cell {
        let start = text.count
        text.append(contentsOf: raw)
        precondition(raw.count <= Int(UInt32.max), "a value longer than 4 GiB")
        return Cell(kind: kind, length: UInt32(raw.count), payload: UInt64(start))
    }
}
