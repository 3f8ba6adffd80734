import Foundation
import TallyWarehouse
import Testing

@Suite struct QueryTests {
    static let costs = TableSchema(fields: [
        .init(name: "project", type: .string, mode: .required), .init(name: "cost", type: .float64),
        .init(name: "day", type: .timestamp),
    ])

    private func warehouseWithCosts(_ root: borrowing TemporaryRoot) throws -> SQLiteWarehouse {
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("costs"), schema: Self.costs)
        let day = Date(timeIntervalSince1970: 1_763_164_800)
        let rows: [Row] = [
            ["project": .string("a"), "cost": .double(1.5), "day": .timestamp(day)],
            ["project": .string("a"), "cost": .double(2.5), "day": .timestamp(day)],
            ["project": .string("b"), "cost": .double(4), "day": .timestamp(day.addingTimeInterval(86_400))],
        ]
        try warehouse.insertRows(rows, into: table("costs"), options: JobOptions())
        return warehouse
    }

    @Test func namedParametersAreBoundNeverSpliced() throws {
        let root = TemporaryRoot()
        let warehouse = try warehouseWithCosts(root)
        let hostile = "'; DROP TABLE costs; --"
        let inserted = try warehouse.execute(
            "INSERT INTO acme.costs (project, cost) VALUES (@project, @cost)",
            parameters: ["project": .string(hostile), "cost": .double(9), "unused": .int(1)], in: "acme")
        #expect(inserted == 1)
        let result = try warehouse.query(
            "SELECT project, cost FROM acme.costs WHERE project = @project", parameters: ["project": .string(hostile)],
            in: "acme")
        #expect(result.rows == [["project": .string(hostile), "cost": .double(9)]])
        #expect(try warehouse.count("costs") == 4)
    }

    @Test func missingParameterIsAnError() throws {
        let root = TemporaryRoot()
        let warehouse = try warehouseWithCosts(root)
        #expect(throws: WarehouseError.invalidValue("missing parameter @tenant")) {
            try warehouse.query(
                "SELECT * FROM acme.costs WHERE project = @tenant", parameters: ["x": .int(1)], in: "acme")
        }
        #expect(throws: WarehouseError.invalidValue("missing parameter @cost")) {
            try warehouse.execute("DELETE FROM acme.costs WHERE cost > @cost", in: "acme")
        }
        #expect(try warehouse.count("costs") == 3)
    }

    @Test func queryIsReadOnlyAndSingleStatement() throws {
        let root = TemporaryRoot()
        let warehouse = try warehouseWithCosts(root)
        for sql in [
            "DELETE FROM acme.costs", "SELECT 1; DELETE FROM acme.costs", "SELECT * FROM acme.costs WHERE cost > ?",
            "SELECT 1 AS a, 2 AS a", "",
        ] {
            #expect(throws: WarehouseError.self, "\(sql)") { try warehouse.query(sql, in: "acme") }
        }
        #expect(try warehouse.count("costs") == 3)
        let typed = try warehouse.query(
            "SELECT project, SUM(cost) AS total, MAX(day) AS day FROM acme.costs GROUP BY project ORDER BY project",
            in: "acme")
        #expect(typed.columns == ["project", "total", "day"])
        #expect(typed.rows[0]["total"] == .double(4))
        #expect(typed.rows[1]["day"] == .string("2025-11-16T00:00:00.000Z"), "aggregates carry no declared type")
    }

    @Test func queryToTableTruncateReplacesRowsAndSchema() throws {
        let root = TemporaryRoot()
        let warehouse = try warehouseWithCosts(root)
        let destination = try table("daily")
        let sql = "SELECT project, day, SUM(cost) AS total, COUNT(*) AS n FROM acme.costs GROUP BY project, day"
        #expect(
            try warehouse.queryToTable(
                sql, parameters: [:], destination: destination, disposition: .truncate,
                options: JobOptions()) == 2)
        #expect(
            try warehouse.queryToTable(
                sql, parameters: [:], destination: destination, disposition: .truncate,
                options: JobOptions()) == 2)
        let schema = try #require(try warehouse.tableSchema(destination))
        #expect(schema.fields.map(\.name) == ["project", "day", "total", "n"])
        #expect(schema.fields.map(\.type) == [.string, .timestamp, .float64, .int64])
        let rows = try warehouse.query("SELECT * FROM acme.daily ORDER BY project", in: "acme").rows
        #expect(rows.first?["day"] == .timestamp(Date(timeIntervalSince1970: 1_763_164_800)))

        // A query may read the table it replaces.
        #expect(
            try warehouse.queryToTable(
                "SELECT project, total FROM acme.daily WHERE total > @min", parameters: ["min": .double(3.5)],
                destination: destination, disposition: .truncate, options: JobOptions()) == 2)
        #expect(try warehouse.tableSchema(destination)?.fields.map(\.name) == ["project", "total"])
        #expect(try warehouse.listTables("acme") == ["costs", "daily"])
    }

    @Test func queryToTableAppendMatchesColumnsByName() throws {
        let root = TemporaryRoot()
        let warehouse = try warehouseWithCosts(root)
        let destination = try table("summary")
        try warehouse.createTable(
            destination,
            schema: TableSchema(fields: [
                .init(name: "project", type: .string), .init(name: "total", type: .float64),
                .init(name: "note", type: .string),
            ]))
        let written = try warehouse.queryToTable(
            "SELECT SUM(cost) AS total, project FROM acme.costs GROUP BY project", parameters: [:],
            destination: destination, disposition: .append, options: JobOptions())
        #expect(written == 2)
        let rows = try warehouse.query("SELECT * FROM acme.summary ORDER BY project", in: "acme").rows
        #expect(
            rows == [
                ["project": .string("a"), "total": .double(4), "note": .null],
                ["project": .string("b"), "total": .double(4), "note": .null],
            ])
        #expect(throws: WarehouseError.invalidQuery("acme.summary has no column extra")) {
            try warehouse.queryToTable(
                "SELECT project, 1 AS extra FROM acme.costs", parameters: [:], destination: destination,
                disposition: .append, options: JobOptions())
        }
        #expect(try warehouse.count("summary") == 2)
        #expect(
            try warehouse.queryToTable(
                "SELECT project FROM acme.costs", parameters: [:], destination: try table("fresh"),
                disposition: .append,
                options: JobOptions()) == 3)
    }

    @Test func queryToTableEmptyRefusesTablesWithRows() throws {
        let root = TemporaryRoot()
        let warehouse = try warehouseWithCosts(root)
        let sql = "SELECT project FROM acme.costs"
        #expect(throws: WarehouseError.tableNotEmpty("acme.costs")) {
            try warehouse.queryToTable(
                sql, parameters: [:], destination: try table("costs"), disposition: .empty,
                options: JobOptions())
        }
        #expect(
            try warehouse.queryToTable(
                sql, parameters: [:], destination: try table("copy"), disposition: .empty,
                options: JobOptions()) == 3)
        try warehouse.createTable(
            try table("empty"), schema: TableSchema(fields: [.init(name: "project", type: .string)]))
        #expect(
            try warehouse.queryToTable(
                sql, parameters: [:], destination: try table("empty"), disposition: .empty,
                options: JobOptions()) == 3)
        #expect(try warehouse.count("costs") == 3)
    }

    @Test func executeRollsBackWhenExpectedRowsDiffer() throws {
        let root = TemporaryRoot()
        let warehouse = try warehouseWithCosts(root)
        let statements = [
            SQLStatement("INSERT INTO acme.costs (project, cost) VALUES ('c', 1)", expectedRows: 1),
            SQLStatement("UPDATE acme.costs SET cost = 0 WHERE project = @p", parameters: ["p": .string("a")]),
            SQLStatement("DELETE FROM acme.costs WHERE project = 'b'", expectedRows: 5),
        ]
        #expect(throws: WarehouseError.conditionFailed(statementIndex: 2)) {
            try warehouse.execute(statements, in: "acme", options: JobOptions())
        }
        #expect(try warehouse.count("costs") == 3)
        #expect(try warehouse.query("SELECT SUM(cost) AS s FROM acme.costs", in: "acme").scalar == .double(8))

        var passing = statements
        passing[2].expectedRows = 1
        #expect(try warehouse.execute(passing, in: "acme", options: JobOptions()) == [1, 2, 1])
        #expect(try warehouse.count("costs") == 3)

        do {
            _ = try warehouse.execute(
                [statements[0], SQLStatement("INSERT INTO acme.costs (project) VALUES (NULL)")], in: "acme",
                options: JobOptions())
            Issue.record("NOT NULL violation not reported")
        } catch {
            guard case .invalidQuery(let message) = error else { throw error }
            #expect(message.contains("NOT NULL"))
        }
        #expect(try warehouse.count("costs") == 3)
    }

    @Test func promoteSwapsTablesAtomically() throws {
        let root = TemporaryRoot()
        let warehouse = try warehouseWithCosts(root)
        try warehouse.execute("CREATE TABLE acme.runs (id TEXT, status TEXT)", in: "acme")
        try warehouse.execute("INSERT INTO acme.runs VALUES ('r1', 'running')", in: "acme")
        let stagingSchema = TableSchema(fields: [.init(name: "project", type: .string), .init(name: "n", type: .int64)])
        try warehouse.createTable(try table("costs_staging"), schema: stagingSchema)
        try warehouse.insertRows(
            [["project": .string("z"), "n": .int(1)]], into: try table("costs_staging"),
            options: JobOptions())
        let swap = TableSwap(staging: try table("costs_staging"), destination: try table("costs"))
        let finish = SQLStatement(
            "UPDATE acme.runs SET status = 'done' WHERE id = @id AND status = 'running'",
            parameters: ["id": .string("r2")],
            expectedRows: 1)

        #expect(throws: WarehouseError.conditionFailed(statementIndex: 0)) {
            try warehouse.promote([swap], condition: finish, in: "acme", options: JobOptions())
        }
        #expect(try warehouse.count("costs") == 3)
        #expect(try warehouse.tableSchema(try table("costs")) == Self.costs)
        #expect(try warehouse.count("costs_staging") == 1)

        var condition = finish
        condition.parameters = ["id": .string("r1")]
        try warehouse.promote([swap], condition: condition, in: "acme", options: JobOptions())
        #expect(
            try warehouse.query("SELECT * FROM acme.costs", in: "acme").rows == [
                ["project": .string("z"), "n": .int(1)]
            ])
        #expect(try warehouse.tableSchema(try table("costs")) == stagingSchema)
        #expect(try warehouse.tableSchema(try table("costs_staging")) == nil)
        #expect(try warehouse.listTables("acme") == ["costs", "runs"])
        #expect(try warehouse.query("SELECT status FROM acme.runs", in: "acme").scalar == .string("done"))
        #expect(throws: WarehouseError.tableNotFound("acme.costs_staging")) {
            try warehouse.promote([swap], condition: nil, in: "acme", options: JobOptions())
        }
    }

    @Test func copiesKeepTheSourceSchema() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("billing"), schema: TableTests.billing)
        try warehouse.insertRows(InsertRowsTests.rows, into: table("billing"), options: JobOptions())
        #expect(
            try warehouse.queryToTable(
                "SELECT * FROM acme.billing", parameters: [:], destination: table("copy"), disposition: .truncate,
                options: JobOptions()) == 3)
        var expected = TableTests.billing.fields
        expected[0].mode = .nullable
        #expect(try warehouse.tableSchema(table("copy"))?.fields == expected)
        #expect(
            try warehouse.query("SELECT * FROM acme.copy ORDER BY id", in: "acme").rows
                == warehouse.query("SELECT * FROM acme.billing ORDER BY id", in: "acme").rows)

        _ = try warehouse.queryToTable(
            "SELECT b.credits AS refunds, b.usage_start_time AS started FROM acme.billing AS b", parameters: [:],
            destination: table("renamed"), disposition: .truncate, options: JobOptions())
        let renamed = try #require(try warehouse.tableSchema(table("renamed")))
        #expect(renamed.fields.map(\.name) == ["refunds", "started"])
        #expect(renamed.fields[0].mode == .repeated)
        #expect(renamed.fields[0].fields == TableTests.billing.field(named: "credits")?.fields)
        #expect(renamed.fields[1].type == .timestamp)
    }
}
