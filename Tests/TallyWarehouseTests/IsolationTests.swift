import Foundation
import TallyWarehouse
import Testing

@Suite struct IsolationTests {
    private func twoTenants(_ root: borrowing TemporaryRoot) throws -> SQLiteWarehouse {
        let warehouse = try root.warehouse()
        for dataset in ["acme", "other"] {
            _ = try warehouse.createDataset(dataset, labels: ["tenant": dataset])
            try warehouse.createTable(
                table("t", in: dataset), schema: TableSchema(fields: [.init(name: "secret", type: .string)]))
            try warehouse.insertRows(
                [["secret": .string(dataset)]], into: table("t", in: dataset), options: JobOptions())
        }
        return warehouse
    }

    private func expectInvalidQuery(_ message: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(message): not refused")
        } catch {
            guard case .invalidQuery = error as? WarehouseError else {
                Issue.record("\(message): \(error)")
                return
            }
        }
    }

    @Test func otherDatasetsAreInvisible() throws {
        let root = TemporaryRoot()
        let warehouse = try twoTenants(root)
        #expect(try warehouse.query("SELECT secret FROM acme.t", in: "acme").scalar == .string("acme"))
        #expect(try warehouse.query("SELECT secret FROM t", in: "acme").scalar == .string("acme"))
        expectInvalidQuery("read other") { _ = try warehouse.query("SELECT secret FROM other.t", in: "acme") }
        expectInvalidQuery("write other") { try warehouse.execute("DELETE FROM other.t", in: "acme") }
        expectInvalidQuery("queryToTable other") {
            _ = try warehouse.queryToTable(
                "SELECT secret FROM other.t", parameters: [:], destination: table("copy"), disposition: .truncate,
                options: JobOptions())
        }
        #expect(try warehouse.count("t", in: "other") == 1)
    }

    @Test func attachAndEscapeHatchesAreRefused() throws {
        let root = TemporaryRoot()
        let warehouse = try twoTenants(root)
        let path = root.path + "/other.sqlite"
        let attempts = [
            "ATTACH DATABASE '\(path)' AS o", "DETACH DATABASE acme", "PRAGMA acme.journal_mode = DELETE",
            "PRAGMA writable_schema = ON", "SELECT * FROM acme.pragma_journal_mode('delete')", "BEGIN", "COMMIT",
            "SAVEPOINT s", "CREATE TABLE unqualified (x)", "CREATE TEMP TABLE x (y)", "SELECT load_extension('/tmp/x')",
            "SELECT * FROM acme.__tally_dataset", "DELETE FROM acme.__tally_dataset",
            "DROP TABLE acme.__tally_dataset", "CREATE VIRTUAL TABLE acme.v USING fts5(x)",
            "CREATE TRIGGER acme.tr AFTER INSERT ON t BEGIN DELETE FROM acme.t; END", "DELETE FROM acme.sqlite_master",
            "UPDATE sqlite_master SET sql = ''", "VACUUM acme INTO '/tmp/x'",
        ]
        for sql in attempts {
            expectInvalidQuery(sql) { try warehouse.execute(sql, in: "acme") }
            expectInvalidQuery(sql) { _ = try warehouse.query(sql, in: "acme") }
        }
        expectInvalidQuery("attach via parameter") {
            try warehouse.execute("ATTACH DATABASE @path AS o", parameters: ["path": .string(path)], in: "acme")
        }
        // Ordinary DDL inside the dataset stays possible.
        try warehouse.execute("CREATE INDEX acme.t_secret ON t (secret)", in: "acme")
        try warehouse.execute("CREATE VIEW acme.v AS SELECT secret FROM acme.t", in: "acme")
        #expect(try warehouse.query("SELECT secret FROM acme.v", in: "acme").scalar == .string("acme"))
        try warehouse.execute("DROP VIEW acme.v", in: "acme")
        #expect(try warehouse.datasetLabels("acme") == ["tenant": "acme"])
        #expect(try warehouse.query("SELECT secret FROM acme.t", in: "acme").scalar == .string("acme"))
        #expect(try warehouse.listTables("acme") == ["t"])
    }
}
