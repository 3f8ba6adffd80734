import Foundation
import TallyWarehouse
import Testing

@Suite struct ConcurrencyTests {
    /// Two instances stand in for two `tally serve` processes: separate pools and connections, one root.
    @Test func twoInstancesWriteConcurrentlyWithoutLockErrors() throws {
        let root = TemporaryRoot()
        let warehouses = [try root.warehouseWithDataset(), try root.warehouse()]
        let schema = TableSchema(fields: [.init(name: "writer", type: .int64), .init(name: "n", type: .int64)])
        try warehouses[0].createTable(table("events"), schema: schema)
        let errors = Collector<String>()
        concurrently(8) { writer in
            let warehouse = warehouses[writer % 2]
            do {
                for n in 0..<40 {
                    if n % 4 == 0 {
                        let rows: [Row] = (0..<10).map { _ in ["writer": .int(Int64(writer)), "n": .int(Int64(n))] }
                        try warehouse.insertRows(rows, into: table("events"), options: JobOptions())
                    } else {
                        try warehouse.execute(
                            "INSERT INTO acme.events (writer, n) VALUES (@w, @n)",
                            parameters: ["w": .int(Int64(writer)), "n": .int(Int64(n))], in: "acme")
                    }
                    _ = try warehouse.count("events")
                }
            } catch {
                errors.append("\(error)")
            }
        }
        #expect(errors.all.isEmpty)
        #expect(try warehouses[1].count("events") == 8 * (30 + 10 * 10))
    }

    @Test func compareAndSetStartsExactlyOneRun() throws {
        let root = TemporaryRoot()
        let warehouses = [try root.warehouseWithDataset(), try root.warehouse()]
        try warehouses[0].execute("CREATE TABLE acme.runs (id TEXT NOT NULL, status TEXT NOT NULL)", in: "acme")
        for round in 0..<3 {
            let outcomes = Collector<String>()
            concurrently(8) { attempt in
                let start = SQLStatement(
                    """
                    INSERT INTO acme.runs (id, status) SELECT @id, 'active' \
                    WHERE NOT EXISTS (SELECT 1 FROM acme.runs WHERE status = 'active')
                    """,
                    parameters: ["id": .string("run-\(round)-\(attempt)")], expectedRows: 1)
                do {
                    _ = try warehouses[attempt % 2].execute([start], in: "acme", options: JobOptions())
                    outcomes.append("started")
                } catch WarehouseError.conditionFailed(statementIndex: 0) {
                    outcomes.append("refused")
                } catch {
                    outcomes.append("\(error)")
                }
            }
            #expect(outcomes.all.filter { $0 == "started" }.count == 1)
            #expect(outcomes.all.filter { $0 == "refused" }.count == 7, "\(outcomes.all)")
            let active = try warehouses[1].query("SELECT COUNT(*) FROM acme.runs WHERE status = 'active'", in: "acme")
            #expect(active.scalar == .int(1))
            try warehouses[round % 2].execute("UPDATE acme.runs SET status = 'done'", in: "acme")
        }
        #expect(try warehouses[0].count("runs") == 3)
    }
}
