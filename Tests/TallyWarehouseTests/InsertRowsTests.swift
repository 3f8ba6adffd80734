import Foundation
import TallyWarehouse
import Testing

@Suite struct InsertRowsTests {
    /// 10:00:00.004 is a millisecond binary floating point cannot hold exactly; it must still round-trip.
    static let start = Date(timeIntervalSince1970: 1_763_200_800.004)

    static let rows: [Row] = [
        [
            "id": .int(1), "service": .json(#"{"id":"6F81"}"#), "credits": .json(#"[{"amount":-0.5,"name":"free"}]"#),
            "tags": .json(#"["a","b"]"#), "cost": .double(12.25), "usage_start_time": .timestamp(start),
            "invoice_day": .date("2025-11-01"), "flag": .bool(true), "payload": .json(#"{"k":[1,2]}"#),
            "blob": .bytes([0, 1, 254, 255]), "ratio": .double(-0.125), "name": .string("héllo 🌍"),
        ],
        [
            "id": .int(2), "service": .null, "credits": .null, "tags": .null, "cost": .int(3),
            "usage_start_time": .null, "invoice_day": .null, "flag": .bool(false), "payload": .null, "blob": .bytes([]),
            "ratio": .null, "name": .string(""),
        ],
        ["id": .int(3)],
    ]

    @Test func typedValuesRoundTrip() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("billing"), schema: TableTests.billing)
        try warehouse.insertRows(Self.rows, into: table("billing"), options: JobOptions())

        let result = try warehouse.query("SELECT * FROM acme.billing ORDER BY id", in: "acme")
        #expect(result.columns == TableTests.billing.fields.map(\.name))
        #expect(result.rows.count == 3)
        var expected = Self.rows
        expected[1]["cost"] = .double(3)
        for index in expected.indices {
            for field in TableTests.billing.fields {
                #expect(
                    result.rows[index][field.name] == expected[index][field.name] ?? .null, "\(index) \(field.name)")
            }
        }
    }

    @Test func storedRepresentationIsTheDocumentedOne() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("billing"), schema: TableTests.billing)
        try warehouse.insertRows([Self.rows[0]], into: table("billing"), options: JobOptions())
        let row = try #require(
            try warehouse.query(
                "SELECT typeof(flag) AS f, flag + 0 AS v, usage_start_time || '' AS ts, typeof(blob) AS b FROM acme.billing",
                in: "acme"
            ).rows.first)
        #expect(row["f"] == .string("integer"))
        #expect(row["v"] == .int(1))
        #expect(row["ts"] == .string("2025-11-15T10:00:00.004Z"))
        #expect(row["b"] == .string("blob"))
    }

    @Test func requiredNullRejectsTheWholeBatch() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("billing"), schema: TableTests.billing)
        let rows: [Row] = [["id": .int(1)], ["id": .int(2)], ["id": .null, "name": .string("x")]]
        #expect(throws: WarehouseError.invalidValue("column id is REQUIRED")) {
            try warehouse.insertRows(rows, into: table("billing"), options: JobOptions())
        }
        #expect(try warehouse.count("billing") == 0)
        #expect(throws: WarehouseError.invalidValue("column id is REQUIRED")) {
            try warehouse.insertRows([["name": .string("no id")]], into: table("billing"), options: JobOptions())
        }
    }

    @Test func mismatchesNameTheColumnNotTheValue() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("billing"), schema: TableTests.billing)
        let secret = "4111-1111-1111-1111"
        let cases: [(Row, String)] = [
            (["id": .int(1), "cost": .string(secret)], "cost"),
            (["id": .int(1), "flag": .string(secret)], "flag"),
            (["id": .int(1), "usage_start_time": .string(secret)], "usage_start_time"),
            (["id": .int(1), "invoice_day": .string(secret)], "invoice_day"),
            (["id": .string(secret)], "id"),
            (["id": .int(1), "unknown_column": .string(secret)], "unknown_column"),
        ]
        for (row, column) in cases {
            do {
                try warehouse.insertRows([["id": .int(9)], row], into: table("billing"), options: JobOptions())
                Issue.record("\(column): no error")
            } catch {
                #expect(String(describing: error).contains(column))
                #expect(!String(describing: error).contains(secret))
            }
        }
        #expect(try warehouse.count("billing") == 0)
        #expect(throws: WarehouseError.tableNotFound("acme.missing")) {
            try warehouse.insertRows([["id": .int(1)]], into: table("missing"), options: JobOptions())
        }
    }

    @Test func convertibleValuesAreAccepted() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("billing"), schema: TableTests.billing)
        let row: Row = [
            "id": .double(7), "usage_start_time": .string("2025-11-15 10:00:00 UTC"),
            "invoice_day": .string("2025-11-01"),
            "flag": .int(1),
        ]
        try warehouse.insertRows([row], into: table("billing"), options: JobOptions())
        let stored = try #require(try warehouse.query("SELECT * FROM acme.billing", in: "acme").rows.first)
        #expect(stored["id"] == .int(7))
        #expect(stored["usage_start_time"] == .timestamp(Date(timeIntervalSince1970: 1_763_200_800)))
        #expect(stored["invoice_day"] == .date("2025-11-01"))
        #expect(stored["flag"] == .bool(true))
    }
}
