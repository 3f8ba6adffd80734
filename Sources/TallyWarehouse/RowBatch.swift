/// Rows of the same columns, stored positionally: what bulk loads hand to `Warehouse.insert(_:into:options:)`.
///
/// A `Row` dictionary hashes every column name of every row; a million-row load with sixty columns would
/// spend most of its time there. A batch names its columns once and keeps values in one flat array.
public struct RowBatch: Sendable {
    public let columns: [String]
    /// Row-major values: row `r`, column `c` is at `r * columns.count + c`.
    public private(set) var values: [WarehouseValue] = []

    public init(columns: [String], capacity: Int = 0) {
        precondition(!columns.isEmpty, "a row batch needs columns")
        self.columns = columns
        values.reserveCapacity(capacity * columns.count)
    }

    /// Keyed rows laid out in `columns` order; a key that is not a column is refused.
    public init(columns: [String], rows: [Row]) throws(WarehouseError) {
        self.init(columns: columns, capacity: rows.count)
        for row in rows {
            var present = 0
            for name in columns {
                let value = row[name]
                if value != nil { present += 1 }
                values.append(value ?? .null)
            }
            guard present == row.count else {
                let unknown = row.keys.filter { !columns.contains($0) }.sorted()
                throw .invalidValue("no column \(unknown.first ?? "")")
            }
        }
    }

    public var count: Int { values.count / columns.count }
    public var isEmpty: Bool { values.isEmpty }

    /// Appends one row, its values in `columns` order.
    public mutating func append(_ row: [WarehouseValue]) {
        precondition(row.count == columns.count, "a row has one value per column")
        values.append(contentsOf: row)
    }

    public mutating func removeAll() {
        values.removeAll(keepingCapacity: true)
    }

    /// The value of `column` (an index into `columns`) in row `row`.
    public subscript(row: Int, column: Int) -> WarehouseValue {
        values[row * columns.count + column]
    }

    /// The rows as dictionaries, null values left out.
    public var rows: [Row] {
        (0..<count).map { row in
            var keyed = Row(minimumCapacity: columns.count)
            for (index, name) in columns.enumerated() where !self[row, index].isNull {
                keyed[name] = self[row, index]
            }
            return keyed
        }
    }
}
