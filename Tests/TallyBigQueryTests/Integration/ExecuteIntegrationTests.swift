import Foundation
import Testing

@testable import TallyWarehouse

@Suite("BigQuery peer: execute and promote", .serialized)
struct ExecuteIntegrationTests {
    let warehouse: BigQueryWarehouse
    let dataset = LocalBigQuery.datasetName()
    let runs: TableRef

    static let runsSchema = TableSchema(fields: [
        .init(name: "id", type: .string, mode: .required), .init(name: "pipeline_id", type: .string, mode: .required),
        .init(name: "status", type: .string, mode: .required), .init(name: "created_at", type: .timestamp),
    ])

    init() throws {
        warehouse = try LocalBigQuery.require().warehouse()
        _ = try warehouse.createDataset(dataset, labels: [:])
        runs = try TableRef(dataset: dataset, table: "pipeline_runs")
        try warehouse.createTable(runs, schema: Self.runsSchema)
    }

    /// RunStore.createRun's statement: a run only if the pipeline has no active one.
    func createRun(_ id: String, pipeline: String = "p1") -> SQLStatement {
        SQLStatement(
            """
            INSERT INTO \(dataset).pipeline_runs (id, pipeline_id, status, created_at)
            SELECT @id, @pipeline_id, 'PENDING', @now
            FROM UNNEST([1])
            WHERE NOT EXISTS (SELECT 1 FROM \(dataset).pipeline_runs
                WHERE pipeline_id = @pipeline_id AND status IN ('PENDING', 'RUNNING'))
            """,
            parameters: ["id": .string(id), "pipeline_id": .string(pipeline), "now": .timestamp(Date())],
            expectedRows: 1)
    }

    func transition(_ id: String, from: String, to: String) -> SQLStatement {
        SQLStatement(
            "UPDATE \(dataset).pipeline_runs SET status = @to WHERE id = @id AND status = @from",
            parameters: ["id": .string(id), "from": .string(from), "to": .string(to)], expectedRows: 1)
    }

    func status(_ id: String) throws -> String? {
        try warehouse.query(
            "SELECT status FROM \(runs) WHERE id = @id", parameters: ["id": .string(id)], in: dataset
        ).scalar?.stringValue
    }

    @Test func compareAndSetCommitsOrRollsBackAsAWhole() throws {
        defer { try? warehouse.deleteDataset(dataset) }
        #expect(try warehouse.execute([createRun("r1")], in: dataset, options: JobOptions()) == [1])
        #expect(throws: WarehouseError.conditionFailed(statementIndex: 0)) {
            try warehouse.execute([createRun("r2")], in: dataset, options: JobOptions())
        }
        // Statement 0 applies, statement 1's condition fails: neither survives.
        #expect(throws: WarehouseError.conditionFailed(statementIndex: 1)) {
            try warehouse.execute(
                [transition("r1", from: "PENDING", to: "RUNNING"), transition("r1", from: "PENDING", to: "FAILED")],
                in: dataset, options: JobOptions())
        }
        #expect(try status("r1") == "PENDING")
        // Unconditioned statements in a batch report their own counts (from the script's child jobs).
        let counts = try warehouse.execute(
            [
                transition("r1", from: "PENDING", to: "RUNNING"),
                SQLStatement(
                    "UPDATE \(dataset).pipeline_runs SET created_at = @now WHERE TRUE", parameters: ["now": .null]),
                SQLStatement("DELETE FROM \(dataset).pipeline_runs WHERE id = 'none'"),
            ], in: dataset, options: JobOptions())
        #expect(counts == [1, 1, 0])
        #expect(try status("r1") == "RUNNING")
        #expect(try warehouse.execute("DELETE FROM \(runs) WHERE status = 'RUNNING'", in: dataset) == 1)
    }

    @Test func concurrentCompareAndSetHasExactlyOneWinner() throws {
        defer { try? warehouse.deleteDataset(dataset) }
        let outcomes = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let outcome: String
            do throws(WarehouseError) {
                _ = try warehouse.execute([createRun("run\(index)")], in: dataset, options: JobOptions())
                outcome = "created"
            } catch .conditionFailed {
                outcome = "active"
            } catch {
                outcome = "\(error)"
            }
            outcomes.withLock { $0.append(outcome) }
        }
        #expect(outcomes.value.filter { $0 == "created" }.count == 1, "\(outcomes.value)")
        #expect(outcomes.value.filter { $0 == "active" }.count == 7, "\(outcomes.value)")
        #expect(try warehouse.query("SELECT COUNT(*) FROM \(runs)", in: dataset).scalar == .int(1))
    }

    @Test func lockTableIsCreatedForOlderDatasets() throws {
        defer { try? warehouse.deleteDataset(dataset) }
        try warehouse.deleteTable(try TableRef(dataset: dataset, table: TransactionScript.lockTable))
        #expect(try warehouse.execute([createRun("r1")], in: dataset, options: JobOptions()) == [1])
    }

    @Test func promotePublishesWithTheConditionOrNotAtAll() throws {
        defer { try? warehouse.deleteDataset(dataset) }
        _ = try warehouse.execute([createRun("r1")], in: dataset, options: JobOptions())
        let staging = try TableRef(dataset: dataset, table: "_stg_r1_cost")
        let destination = try TableRef(dataset: dataset, table: "cost")
        let swap = TableSwap(staging: staging, destination: destination)
        let sql = "SELECT x AS n, 'v1' AS version FROM UNNEST(GENERATE_ARRAY(1, 3)) AS x"
        _ = try warehouse.queryToTable(
            sql, parameters: [:], destination: staging, disposition: .truncate, options: JobOptions())

        // The condition fails: nothing is published, the staged table stays, no empty destination is left.
        #expect(throws: WarehouseError.conditionFailed(statementIndex: 0)) {
            try warehouse.promote(
                [swap], condition: transition("r1", from: "RUNNING", to: "SUCCESS"), in: dataset, options: JobOptions())
        }
        #expect(try warehouse.tableSchema(destination) == nil)
        #expect(try warehouse.tableSchema(staging) != nil)

        try warehouse.promote(
            [swap], condition: transition("r1", from: "PENDING", to: "SUCCESS"), in: dataset, options: JobOptions())
        #expect(try status("r1") == "SUCCESS")
        #expect(try warehouse.tableSchema(staging) == nil)
        #expect(try warehouse.query("SELECT COUNT(*) FROM \(destination)", in: dataset).scalar == .int(3))

        // Same shape: swapped inside the transaction. Different shape: replaced after it.
        _ = try warehouse.queryToTable(
            "SELECT 9 AS n, 'v2' AS version", parameters: [:], destination: staging, disposition: .truncate,
            options: JobOptions())
        try warehouse.promote([swap], condition: nil, in: dataset, options: JobOptions())
        #expect(
            try warehouse.query("SELECT n, version FROM \(destination)", in: dataset).rows == [
                ["n": .int(9), "version": .string("v2")]
            ])
        _ = try warehouse.queryToTable(
            "SELECT 'v3' AS version", parameters: [:], destination: staging, disposition: .truncate,
            options: JobOptions())
        try warehouse.promote([swap], condition: nil, in: dataset, options: JobOptions())
        #expect(try warehouse.query("SELECT * FROM \(destination)", in: dataset).rows == [["version": .string("v3")]])
        #expect(try warehouse.listTables(dataset) == ["cost", "pipeline_runs"])

        #expect(throws: WarehouseError.tableNotFound(staging.description)) {
            try warehouse.promote([swap], condition: nil, in: dataset, options: JobOptions())
        }
    }
}
