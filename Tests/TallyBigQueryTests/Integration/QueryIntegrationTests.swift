import Foundation
import Testing

@testable import TallyWarehouse

@Suite("BigQuery peer: inserts and queries", .serialized)
struct QueryIntegrationTests {
    let warehouse: BigQueryWarehouse
    let dataset = LocalBigQuery.datasetName()

    init() throws {
        warehouse = try LocalBigQuery.require().warehouse()
        _ = try warehouse.createDataset(dataset, labels: [:])
    }

    private func table(_ name: String, _ schema: TableSchema) throws -> TableRef {
        let table = try TableRef(dataset: dataset, table: name)
        try warehouse.createTable(table, schema: schema)
        return table
    }

    @Test func scalarRowsRoundTripThroughDMLAndStayUpdatable() throws {
        defer { try? warehouse.deleteDataset(dataset) }
        let table = try table("logs", Fixtures.scalars)
        try warehouse.insertRows([Fixtures.scalarRow("a"), ["id": .string("b")]], into: table, options: JobOptions())
        let result = try warehouse.query("SELECT * FROM \(table) ORDER BY id", in: dataset)
        #expect(result.columns == Fixtures.scalars.fields.map(\.name))
        let row = try #require(result.rows.first)
        for (column, value) in Fixtures.scalarRow("a") where column != "doc" {
            #expect(row[column] == value, "column \(column)")
        }
        #expect(BigQueryJSON.parse(row["doc"]?.stringValue ?? "") == BigQueryJSON.parse(#"{"a":[1,2],"b":"x"}"#))
        #expect(result.rows[1]["count"] == .null)
        // DML-inserted rows are not in a streaming buffer: updatable at once (step_logs on step end).
        #expect(try warehouse.execute("UPDATE \(table) SET note = 'done' WHERE id = 'a'", in: dataset) == 1)
    }

    @Test func nestedRowsLoadByLoadJobAllOrNone() throws {
        defer { try? warehouse.deleteDataset(dataset) }
        let table = try table("export", Fixtures.allTypes)
        var row = Fixtures.scalarRow("a")
        row["note"] = nil
        row["service"] = .json(#"{"description":"Compute Engine","id":"6F81"}"#)
        row["tags"] = .json(#"["x","y"]"#)
        try warehouse.insertRows([row, ["id": .string("b")]], into: table, options: JobOptions())
        let result = try warehouse.query(
            "SELECT id, service, tags, at, service.description AS what FROM \(table) ORDER BY id", in: dataset)
        #expect(result.rows[0]["service"] == .json(#"{"description":"Compute Engine","id":"6F81"}"#))
        #expect(result.rows[0]["tags"] == .json(#"["x","y"]"#))
        #expect(result.rows[0]["at"] == .timestamp(Fixtures.instant))
        #expect(result.rows[0]["what"] == .string("Compute Engine"))
        #expect(result.rows[1]["tags"] == .json("[]"))

        #expect(throws: WarehouseError.invalidValue("column count expects INT64")) {
            try warehouse.insertRows(
                [["id": .string("c")], ["id": .string("d"), "count": .string("x")]], into: table, options: JobOptions())
        }
        #expect(throws: WarehouseError.invalidValue("\(table) has no column nope")) {
            try warehouse.insertRows([["id": .string("e"), "nope": .int(1)]], into: table, options: JobOptions())
        }
        #expect(try warehouse.query("SELECT COUNT(*) AS n FROM \(table)", in: dataset).scalar == .int(2))
    }

    @Test func largeBatchesLoadInPartsAtomically() throws {
        defer { try? warehouse.deleteDataset(dataset) }
        var options = LocalBigQuery.options
        options.uploadBytes = 2_000
        let small = try LocalBigQuery.require().warehouse(options: options)
        let table = try table("bulk", Fixtures.small)
        let rows: [Row] = (0..<600).map { ["id": .string("row-\($0)"), "n": .int(Int64($0))] }
        try small.insertRows(rows, into: table, options: JobOptions())
        let result = try warehouse.query("SELECT COUNT(*) AS c, SUM(n) AS s FROM \(table)", in: dataset)
        #expect(result.rows.first?["c"] == .int(600))
        #expect(result.rows.first?["s"] == .int(179_700))
        #expect(try warehouse.listTables(dataset) == ["bulk"])  // the scratch table is gone
    }

    @Test func namedParametersAreBoundNeverSpliced() throws {
        defer { try? warehouse.deleteDataset(dataset) }
        let table = try table("people", Fixtures.small)
        let hostile = "x'; DROP TABLE \(table); --\" @n \\"
        try warehouse.insertRows([["id": .string(hostile), "n": .int(1)]], into: table, options: JobOptions())
        let result = try warehouse.query(
            "SELECT id, @missing_is_null IS NULL AS null_param, @day AS day, @at AS at FROM \(table) WHERE id = @id AND n = @N",
            parameters: [
                "id": .string(hostile), "n": .int(1), "missing_is_null": .null, "day": .date("2025-08-01"),
                "at": .timestamp(Fixtures.instant), "unused": .string("not sent"),
            ], in: dataset)
        #expect(result.rows.count == 1)
        #expect(result.rows.first?["id"] == .string(hostile))
        #expect(result.rows.first?["null_param"] == .bool(true))
        #expect(result.rows.first?["day"] == .date("2025-08-01"))
        #expect(result.rows.first?["at"] == .timestamp(Fixtures.instant))
        #expect(try warehouse.tableSchema(table) != nil)
        #expect(throws: WarehouseError.self) { try warehouse.query("SELECT @absent AS a", in: dataset) }
        #expect(throws: WarehouseError.self) { try warehouse.query("DELETE FROM \(table) WHERE TRUE", in: dataset) }
        #expect(throws: WarehouseError.self) {
            try warehouse.query("SELECT 1; DELETE FROM \(table) WHERE TRUE", in: dataset)
        }
        #expect(try warehouse.query("SELECT COUNT(*) FROM \(table)", in: dataset).scalar == .int(1))
    }

    @Test func resultsArePagedAndBounded() throws {
        defer { try? warehouse.deleteDataset(dataset) }
        var options = LocalBigQuery.options
        options.pageSize = 7
        options.maxResultRows = 40
        let paged = try LocalBigQuery.require().warehouse(options: options)
        let result = try paged.query("SELECT x FROM UNNEST(GENERATE_ARRAY(1, 40)) AS x ORDER BY x", in: dataset)
        #expect(result.rows.map { $0["x"] } == (1...40).map { .int(Int64($0)) })
        #expect(throws: WarehouseError.self) {
            try paged.query("SELECT x FROM UNNEST(GENERATE_ARRAY(1, 41)) AS x", in: dataset)
        }
    }

    @Test func queryToTableDispositions() throws {
        defer { try? warehouse.deleteDataset(dataset) }
        let destination = try TableRef(dataset: dataset, table: "out")
        let three = "SELECT x AS n, CAST(x AS STRING) AS label FROM UNNEST(GENERATE_ARRAY(1, 3)) AS x"
        let options = JobOptions(labels: ["tally_pipeline": "t-gcp-cost-daily", "tally_run": "r1"])
        #expect(
            try warehouse.queryToTable(
                three, parameters: [:], destination: destination, disposition: .truncate, options: options) == 3)
        #expect(
            try warehouse.queryToTable(
                three, parameters: [:], destination: destination, disposition: .append, options: options) == 3)
        #expect(try warehouse.query("SELECT COUNT(*) FROM \(destination)", in: dataset).scalar == .int(6))
        #expect(
            try warehouse.queryToTable(
                "SELECT @n AS n, 'one' AS label", parameters: ["n": .int(7)], destination: destination,
                disposition: .truncate, options: options) == 1)
        #expect(throws: WarehouseError.tableNotEmpty(destination.description)) {
            try warehouse.queryToTable(
                three, parameters: [:], destination: destination, disposition: .empty, options: options)
        }
        let fresh = try TableRef(dataset: dataset, table: "fresh")
        #expect(
            try warehouse.queryToTable(
                three, parameters: [:], destination: fresh, disposition: .empty, options: options) == 3)
        #expect(try warehouse.tableSchema(fresh)?.fields.map(\.type) == [.int64, .string])
    }
}
