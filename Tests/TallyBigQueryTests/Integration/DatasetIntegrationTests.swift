import Foundation
import Testing

@testable import TallyWarehouse

@Suite("BigQuery peer: datasets and tables", .serialized)
struct DatasetIntegrationTests {
    @Test func datasetLifecycleAndLabels() throws {
        let warehouse = try LocalBigQuery.require().warehouse()
        let dataset = LocalBigQuery.datasetName()
        defer { try? warehouse.deleteDataset(dataset) }

        #expect(try warehouse.datasetLabels(dataset) == nil)
        #expect(try warehouse.datasetExists(dataset) == false)
        #expect(
            try warehouse.createDataset(dataset, labels: ["tally_state": "creating", "tally_created": "1700000000"]))
        #expect(try warehouse.createDataset(dataset, labels: [:]) == false)
        #expect(try warehouse.datasetExists(dataset))
        #expect(
            try warehouse.datasetLabels(dataset)
                == ["tally_state": "creating", "tally_created": "1700000000", "tally_tenant": dataset])

        try warehouse.updateDatasetLabels(dataset, ["tally_state": "ready"])
        #expect(try warehouse.datasetLabels(dataset)?["tally_state"] == "ready")
        #expect(try warehouse.datasetLabels(dataset)?["tally_created"] == "1700000000")
        #expect(try warehouse.listDatasets().contains(dataset))
        // The peer's own default dataset carries no tally_tenant label, so it is not a tenant.
        #expect(try !warehouse.listDatasets().contains("local"))

        try warehouse.deleteDataset(dataset)
        try warehouse.deleteDataset(dataset)
        #expect(try warehouse.datasetExists(dataset) == false)
        #expect(throws: WarehouseError.datasetNotFound(dataset)) {
            try warehouse.updateDatasetLabels(dataset, ["tally_state": "ready"])
        }
    }

    @Test func invalidNamesAndLabelsAreRefusedBeforeAnyRequest() throws {
        let warehouse = try LocalBigQuery.require().warehouse()
        #expect(throws: WarehouseError.invalidName("bad-name")) { try warehouse.createDataset("bad-name", labels: [:]) }
        #expect(throws: WarehouseError.self) { try warehouse.createDataset("ok_name", labels: ["Bad": "x"]) }
        #expect(throws: WarehouseError.self) { try warehouse.createDataset("ok_name", labels: ["k": "UPPER"]) }
        #expect(try warehouse.datasetExists("ok_name") == false)
    }

    @Test func concurrentCreatorsHaveExactlyOneWinner() throws {
        let warehouse = try LocalBigQuery.require().warehouse()
        let dataset = LocalBigQuery.datasetName()
        defer { try? warehouse.deleteDataset(dataset) }
        let wins = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            if (try? warehouse.createDataset(dataset, labels: [:])) == true { wins.withLock { $0 += 1 } }
        }
        #expect(wins.value == 1)
    }

    @Test func tablesWithTypedSchemas() throws {
        let warehouse = try LocalBigQuery.require().warehouse()
        let dataset = LocalBigQuery.datasetName()
        _ = try warehouse.createDataset(dataset, labels: [:])
        defer { try? warehouse.deleteDataset(dataset) }
        let table = try TableRef(dataset: dataset, table: "events")

        try warehouse.createTable(table, schema: Fixtures.allTypes)
        try warehouse.createTable(table, schema: TableSchema(fields: [.init(name: "other", type: .string)]))
        let schema = try #require(try warehouse.tableSchema(table))
        #expect(BigQueryTypes.sameShape(schema.fields, Fixtures.allTypes.fields))
        #expect(schema.field(named: "id")?.mode == .required)
        #expect(schema.field(named: "tags")?.mode == .repeated)
        #expect(schema.field(named: "service")?.fields?.map(\.name) == ["id", "description"])

        try warehouse.createTable(try TableRef(dataset: dataset, table: "alpha"), schema: Fixtures.small)
        #expect(try warehouse.listTables(dataset) == ["alpha", "events"])  // `_tally_lock` is not listed
        try warehouse.dropTable(table)
        try warehouse.dropTable(table)
        #expect(try warehouse.tableSchema(table) == nil)
        #expect(try warehouse.listTables(dataset) == ["alpha"])

        let missing = LocalBigQuery.datasetName()
        #expect(throws: WarehouseError.datasetNotFound(missing)) {
            try warehouse.tableSchema(try TableRef(dataset: missing, table: "events"))
        }
        #expect(throws: WarehouseError.invalidName("_tally_lock")) {
            try warehouse.createTable(try TableRef(dataset: dataset, table: "_tally_lock"), schema: Fixtures.small)
        }
    }
}
