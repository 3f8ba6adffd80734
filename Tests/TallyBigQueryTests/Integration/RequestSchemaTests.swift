import Foundation
import Testing

@testable import TallyWarehouse

@Suite("Every request the client sends matches BigQuery's discovery document", .serialized)
struct RequestSchemaTests {
    @Test func requestBodiesUseOnlyKnownFieldsAndTypes() throws {
        guard let discovery = DiscoveryDocument(path: RepositoryPaths.discoveryDocument) else {
            try Test.cancel(
                Comment(
                    rawValue:
                        "BigQuery discovery document not found at \(RepositoryPaths.discoveryDocument) (shared/ is not beside the repository); request bodies not checked"
                ))
        }
        let records = Locked<[BigQueryRequestRecord]>([])
        var options = LocalBigQuery.options
        options.uploadBytes = 300
        let peer = try LocalBigQuery.require()
        let warehouse = peer.warehouse(options: options) { record in records.withLock { $0.append(record) } }
        options.streamBulkInserts = true
        options.dmlInsertRows = 1
        let streaming = peer.warehouse(options: options) { record in records.withLock { $0.append(record) } }
        try exercise(warehouse, streaming)

        let seen = records.value
        #expect(
            Set(seen.compactMap(\.bodySchema))
                == ["Dataset", "Table", "Job", "QueryRequest", "TableDataInsertAllRequest"])
        var problems: [String] = []
        for record in seen {
            problems += discovery.problems(method: record.method, path: record.path, query: record.query)
            if let body = record.body, let schema = record.bodySchema {
                problems += discovery.problems(body, schema: schema)
            } else if record.body != nil {
                problems.append("\(record.method) \(record.path): body without a schema")
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// One of everything the warehouse sends: dataset insert and patch, table insert, DML, load and copy
    /// jobs, streaming inserts, queries, query jobs with destinations, transactions, promotion.
    private func exercise(_ warehouse: BigQueryWarehouse, _ streaming: BigQueryWarehouse) throws {
        let dataset = LocalBigQuery.datasetName()
        _ = try warehouse.createDataset(dataset, labels: ["tally_state": "creating"])
        defer { try? warehouse.deleteDataset(dataset) }
        try warehouse.updateDatasetLabels(dataset, ["tally_state": "ready"])
        _ = try warehouse.listDatasets()
        let table = try TableRef(dataset: dataset, table: "events")
        try warehouse.createTable(table, schema: TableSchema(fields: Fixtures.allTypes.fields, description: "events"))
        let options = JobOptions(labels: ["tally_tenant": dataset, "tally_run": "r1"], maximumBytesBilled: 1 << 30)
        var nested = Fixtures.scalarRow("n")
        nested["note"] = nil
        nested["service"] = .json(#"{"id":"s","description":"d"}"#)
        try warehouse.insertRows((0..<4).map { _ in nested }, into: table, options: options)
        try streaming.insertRows([nested, nested], into: table, options: options)
        let flat = try TableRef(dataset: dataset, table: "flat")
        try warehouse.createTable(flat, schema: Fixtures.scalars)
        try warehouse.insertRows([Fixtures.scalarRow("a")], into: flat, options: options)
        _ = try warehouse.listTables(dataset)
        _ = try warehouse.query(
            "SELECT * FROM \(flat) WHERE id = @id AND at < @now",
            parameters: ["id": .string("a"), "now": .timestamp(Date())],
            in: dataset, options: options)
        let staging = try TableRef(dataset: dataset, table: "_stg_r1_out")
        _ = try warehouse.queryToTable(
            "SELECT id, count FROM \(flat) WHERE day = @day", parameters: ["day": .date("2025-08-01")],
            destination: staging, disposition: .truncate, options: options)
        _ = try warehouse.execute(
            "UPDATE \(flat) SET note = @note WHERE id = 'a'", parameters: ["note": .null], in: dataset)
        let condition = SQLStatement(
            "UPDATE \(flat) SET note = 'done' WHERE id = @id", parameters: ["id": .string("a")], expectedRows: 1)
        _ = try warehouse.execute(
            [condition, SQLStatement("DELETE FROM \(flat) WHERE id = 'zz'")], in: dataset, options: options)
        let swap = TableSwap(staging: staging, destination: try TableRef(dataset: dataset, table: "out"))
        try warehouse.promote([swap], condition: condition, in: dataset, options: options)
        try warehouse.dropTable(flat)
    }
}
