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

    @Test func datesAreCheckedStrictly() {
        #expect(CivilDate.isDate("2024-02-29"))
        #expect(!CivilDate.isDate("2025-02-29"))
        #expect(!CivilDate.isDate("2025-13-01"))
        #expect(!CivilDate.isDate("2025-1-01"))
        #expect(!CivilDate.isDate("2025-01-0a"))
        #expect(CivilDate.isDate("2000-02-29") && !CivilDate.isDate("1900-02-29"))
    }
}
