import Foundation
import Testing

@testable import TallyWarehouse

/// The path of the bill-sample template on BigQuery: the shipped export sample decoded by `RowDecoder`,
/// loaded by `insertRows` (nested rows → load job), summarised with the template's UNNEST-based SQL into a
/// staging table, and promoted.
@Suite("BigQuery peer: billing export sample", .serialized)
struct BillingSampleIntegrationTests {
    /// The columns of `configs/schemas/gcp_billing_export.yml` the summary reads; RowDecoder skips the rest.
    static let schema = TableSchema(fields: [
        .init(name: "cost_type", type: .string),
        .init(
            name: "service", type: .record,
            fields: [.init(name: "id", type: .string), .init(name: "description", type: .string)]),
        .init(name: "usage_start_time", type: .timestamp),
        .init(
            name: "project", type: .record,
            fields: [
                .init(name: "id", type: .string),
                .init(
                    name: "labels", type: .record, mode: .repeated,
                    fields: [.init(name: "key", type: .string), .init(name: "value", type: .string)]),
            ]),
        .init(name: "cost", type: .float64),
        .init(name: "currency", type: .string),
        .init(
            name: "credits", type: .record, mode: .repeated,
            fields: [.init(name: "name", type: .string), .init(name: "amount", type: .float64)]),
    ])

    @Test func sampleLoadsSummarisesAndPromotes() throws {
        let warehouse = try LocalBigQuery.require().warehouse()
        let dataset = LocalBigQuery.datasetName("acme")
        _ = try warehouse.createDataset(dataset, labels: [:])
        defer { try? warehouse.deleteDataset(dataset) }
        let export = try TableRef(dataset: dataset, table: "gcp_billing_export_sample")
        try warehouse.createTable(export, schema: Self.schema)

        let path = RepositoryPaths.root + "/configs/samples/gcp/billing_export_sample.ndjson"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = RowDecoder(schema: Self.schema)
        let rows = try text.split(separator: "\n").map { try decoder.decode(line: Array($0.utf8)) }
        try warehouse.insertRows(rows, into: export, options: JobOptions())
        #expect(try warehouse.query("SELECT COUNT(*) FROM \(export)", in: dataset).scalar == .int(Int64(rows.count)))

        let staging = try TableRef(dataset: dataset, table: "_stg_run1_gcp_daily_cost_summary")
        let summary = """
            SELECT @date AS usage_date, service.description AS service_description, project.id AS project_id,
              cost_type, currency, ROUND(SUM(cost), 6) AS cost,
              ROUND(SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0)), 6) AS credits,
              COUNT(*) AS source_rows
            FROM `\(dataset).gcp_billing_export_sample`
            WHERE DATE(usage_start_time) = @date
            GROUP BY service_description, project_id, cost_type, currency
            """
        let written = try warehouse.queryToTable(
            summary, parameters: ["date": .date("2025-11-15")], destination: staging, disposition: .truncate,
            options: JobOptions())
        #expect(written > 0)
        let totals = try warehouse.query(
            """
            SELECT SUM(source_rows) AS n, ROUND(SUM(cost) + SUM(credits), 4) AS net FROM \(staging)
            """, in: dataset)
        let expected = try warehouse.query(
            """
            SELECT COUNT(*) AS n, ROUND(SUM(cost) + SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0)), 4)
              AS net FROM \(export) WHERE DATE(usage_start_time) = '2025-11-15'
            """, in: dataset)
        #expect(totals.rows == expected.rows)

        let destination = try TableRef(dataset: dataset, table: "gcp_daily_cost_summary")
        try warehouse.promote(
            [TableSwap(staging: staging, destination: destination)], condition: nil, in: dataset,
            options: JobOptions())
        #expect(try warehouse.query("SELECT COUNT(*) FROM \(destination)", in: dataset).scalar == .int(Int64(written)))
        #expect(try warehouse.tableSchema(destination)?.field(named: "usage_date")?.type == .date)
    }
}
