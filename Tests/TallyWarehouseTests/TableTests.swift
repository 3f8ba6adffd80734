import Foundation
import TallyWarehouse
import Testing

@Suite struct TableTests {
    static let billing = TableSchema(
        fields: [
            .init(name: "id", type: .int64, mode: .required, description: "row id"),
            .init(name: "service", type: .record, fields: [.init(name: "id", type: .string)]),
            .init(
                name: "credits", type: .record, mode: .repeated,
                fields: [.init(name: "name", type: .string), .init(name: "amount", type: .float64)]),
            .init(name: "tags", type: .string, mode: .repeated),
            .init(name: "cost", type: .numeric),
            .init(name: "usage_start_time", type: .timestamp),
            .init(name: "invoice_day", type: .date),
            .init(name: "flag", type: .bool),
            .init(name: "payload", type: .json),
            .init(name: "blob", type: .bytes),
            .init(name: "ratio", type: .float64),
            .init(name: "name", type: .string),
        ],
        description: "billing export")

    @Test func schemaRoundTripsExactly() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("billing"), schema: Self.billing)
        #expect(try warehouse.tableSchema(table("billing")) == Self.billing)

        let other = TableSchema(fields: [.init(name: "x", type: .string)])
        try warehouse.createTable(table("billing"), schema: other)
        #expect(try warehouse.tableSchema(table("billing")) == Self.billing, "an existing table is left as it is")
        #expect(try warehouse.tableSchema(table("missing")) == nil)
    }

    @Test func listTablesHidesInternalTables() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        let schema = TableSchema(fields: [.init(name: "x", type: .string)])
        for name in ["zeta", "alpha", "mid"] { try warehouse.createTable(table(name), schema: schema) }
        #expect(try warehouse.listTables("acme") == ["alpha", "mid", "zeta"])
        try warehouse.dropTable(table("mid"))
        try warehouse.dropTable(table("mid"))
        #expect(try warehouse.listTables("acme") == ["alpha", "zeta"])
        #expect(try warehouse.tableSchema(table("mid")) == nil)
    }

    @Test func tablesCreatedBySQLGetADerivedSchema() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.execute("CREATE TABLE acme.raw (a INTEGER NOT NULL, b TEXT, c TIMESTAMP TEXT)", in: "acme")
        let schema = try #require(try warehouse.tableSchema(table("raw")))
        #expect(schema.fields.map(\.name) == ["a", "b", "c"])
        #expect(schema.fields.map(\.type) == [.int64, .string, .timestamp])
        #expect(schema.fields.map(\.mode) == [.required, .nullable, .nullable])
    }

    @Test func badTableDefinitionsAreRefused() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        let schema = TableSchema(fields: [.init(name: "x", type: .string)])
        #expect(throws: WarehouseError.invalidName("__tally_dataset")) {
            try warehouse.createTable(table("__tally_dataset"), schema: schema)
        }
        #expect(throws: WarehouseError.invalidName("bad name")) {
            try warehouse.createTable(table("t"), schema: TableSchema(fields: [.init(name: "bad name", type: .string)]))
        }
        #expect(throws: WarehouseError.invalidValue("duplicate column X")) {
            try warehouse.createTable(
                table("t"),
                schema: TableSchema(fields: [.init(name: "x", type: .string), .init(name: "X", type: .int64)]))
        }
        #expect(throws: WarehouseError.datasetNotFound("globex")) {
            try warehouse.createTable(table("t", in: "globex"), schema: schema)
        }
    }
}
