import Foundation
import TallyWarehouse
import Testing

/// `Warehouse.insert(_: RowBatch, …)`, the positional bulk path, on SQLite: the same values, checks and
/// all-or-none guarantee as `insertRows`.
@Suite struct RowBatchInsertTests {
    @Test func batchRowsRoundTripLikeKeyedRows() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("billing"), schema: TableTests.billing)
        let columns = TableTests.billing.columnNames
        let batch = try RowBatch(columns: columns, rows: InsertRowsTests.rows)
        #expect(batch.count == 3)
        try warehouse.insert(batch, into: table("billing"), options: JobOptions())
        let result = try warehouse.query("SELECT * FROM acme.billing ORDER BY id", in: "acme")
        var expected = InsertRowsTests.rows
        expected[1]["cost"] = .double(3)  // an INT64 value in a FLOAT64 column is converted
        for index in expected.indices {
            for name in columns {
                #expect(result.rows[index][name] == expected[index][name] ?? .null, "\(index) \(name)")
            }
        }
    }

    @Test func columnsTheBatchLacksAreNullAndRequiredOnesMustBeThere() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("billing"), schema: TableTests.billing)
        var partial = RowBatch(columns: ["id", "name"])
        partial.append([.int(1), .string("a")])
        try warehouse.insert(partial, into: table("billing"), options: JobOptions())
        let row = try #require(try warehouse.query("SELECT * FROM acme.billing", in: "acme").rows.first)
        #expect(row["cost"] == .null && row["name"] == .string("a"))

        var withoutID = RowBatch(columns: ["name"])
        withoutID.append([.string("b")])
        #expect(throws: WarehouseError.invalidValue("column id is REQUIRED")) {
            try warehouse.insert(withoutID, into: table("billing"), options: JobOptions())
        }
    }

    @Test func aBadValueRejectsTheWholeBatchNamingTheColumn() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("billing"), schema: TableTests.billing)
        let secret = "4111-1111-1111-1111"
        var batch = RowBatch(columns: ["id", "invoice_day"])
        batch.append([.int(1), .date("2025-11-01")])
        batch.append([.int(2), .date(secret)])
        do {
            try warehouse.insert(batch, into: table("billing"), options: JobOptions())
            Issue.record("no error")
        } catch {
            #expect(String(describing: error).contains("invoice_day"))
            #expect(!String(describing: error).contains(secret))
        }
        #expect(try warehouse.count("billing") == 0)
        var unknown = RowBatch(columns: ["id", "nope"])
        unknown.append([.int(1), .null])
        #expect(throws: WarehouseError.invalidValue("acme.billing has no column nope")) {
            try warehouse.insert(unknown, into: table("billing"), options: JobOptions())
        }
    }

    @Test func keyedRowsWithUnknownKeysAreRefused() {
        #expect(throws: WarehouseError.invalidValue("no column other")) {
            try RowBatch(columns: ["id"], rows: [["id": .int(1), "other": .int(2)]])
        }
    }

    @Test func everyKindOfValueReadsBackFromTheBatchAsAppended() {
        let values: [WarehouseValue] = [
            .null, .bool(true), .bool(false), .int(-42), .double(-0.125), .string("héllo"), .string(""),
            .bytes([0, 255, 7]), .timestamp(Date(timeIntervalSinceReferenceDate: 786_000_000.123456)),
            .date("2025-10-01"), .json(#"{"a":[1,2]}"#),
        ]
        var batch = RowBatch(columns: values.indices.map { "c\($0)" })
        batch.append(values)
        batch.append(values.reversed())
        #expect(batch.count == 2)
        for (index, value) in values.enumerated() {
            #expect(batch[0, index] == value)
            #expect(batch[1, values.count - 1 - index] == value)
        }
        batch.removeAll()
        #expect(batch.isEmpty && batch.count == 0)
    }

    /// Rows filled in place share the bytes of text equal to the previous row's, which must not leak into other
    /// rows, columns or kinds.
    @Test func rowsFilledInPlaceReadBackWhatWasSet() {
        var batch = RowBatch(columns: ["a", "b"])
        let rows: [[WarehouseValue]] = [
            [.string("Google Cloud"), .json("[]")], [.string("Google Cloud"), .string("[]")],
            [.string("Google Clouds"), .null], [.date("2025-10-01"), .string("x")],
            [.string("2025-10-01"), .string("x")],
        ]
        for row in rows {
            batch.appendRow()
            batch.set(.string("overwritten"), column: 1)
            for (column, value) in row.enumerated() { batch.set(value, column: column) }
        }
        for (index, row) in rows.enumerated() {
            #expect([batch[index, 0], batch[index, 1]] == row)
        }
    }

    /// Timestamp text is kept per column and rewritten only when the value changes, and a parameter is not bound
    /// again when it holds the previous row's null or timestamp; every row must still get its own values,
    /// including a repeat after a change or a null, and a value the fast formatter does not cover.
    @Test func valuesChangingFromRowToRowAreEachStored() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        let schema = TableSchema(fields: [
            .init(name: "id", type: .int64, mode: .required), .init(name: "at", type: .timestamp),
            .init(name: "until", type: .timestamp), .init(name: "note", type: .string),
        ])
        try warehouse.createTable(table("times"), schema: schema)
        let hour = Date(timeIntervalSince1970: 1_759_276_800)
        let times: [Date?] = [
            hour, hour, nil, hour, hour.addingTimeInterval(3600), nil, nil, hour,
            Date(timeIntervalSince1970: -14_000_000_000), hour,
        ]
        let notes: [String?] = [nil, "ab", "ab", "ac", "y", "y", nil, "yy", "z", nil]
        var batch = RowBatch(columns: ["id", "at", "until", "note"])
        for (index, time) in times.enumerated() {
            batch.append([
                .int(Int64(index)), time.map { .timestamp($0) } ?? .null, .timestamp(hour),
                notes[index].map { .string($0) } ?? .null,
            ])
        }
        try warehouse.insert(batch, into: table("times"), options: JobOptions())
        let rows = try warehouse.query("SELECT at, until, note FROM acme.times ORDER BY id", in: "acme").rows
        #expect(rows.map { $0["at"] } == times.map { $0.map { .timestamp($0) } ?? .null })
        #expect(rows.map { $0["note"] } == notes.map { $0.map { .string($0) } ?? .null })
        #expect(rows.allSatisfy { $0["until"] == .timestamp(hour) })
    }

    @Test func datesAreCheckedStrictly() {
        #expect(CivilDate.isDate("2024-02-29"))
        #expect(!CivilDate.isDate("2025-02-29"))
        #expect(!CivilDate.isDate("2025-13-01"))
        #expect(!CivilDate.isDate("2025-1-01"))
        #expect(!CivilDate.isDate("2025-01-0a"))
        #expect(CivilDate.isDate("2000-02-29") && !CivilDate.isDate("1900-02-29"))
    }
}
