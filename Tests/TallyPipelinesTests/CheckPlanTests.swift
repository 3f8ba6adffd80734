import Foundation
import Testing

@testable import TallyPipelines
@testable import TallyWarehouse

@Suite struct CheckPlanTests {
    func plan(_ check: CheckSpec) throws -> CheckPlan {
        try CheckPlan(check: check, table: "acme.t", dialect: .sqlite)
    }

    @Test func rowCountComparesWithOperator() throws {
        var check = CheckSpec(type: .rowCount)
        check.comparison = .equal
        check.value = 5
        let compiled = try plan(check)
        #expect(compiled.sql == "SELECT COUNT(*) FROM acme.t")
        #expect(compiled.evaluate(.int(5), reference: Date()).passed)
        #expect(!compiled.evaluate(.int(4), reference: Date()).passed)
        #expect(compiled.evaluate(.int(4), reference: Date()).expected == "== 5")
    }

    @Test func offendingRowChecksPassOnlyAtZero() throws {
        var accepted = CheckSpec(type: .acceptedValues, column: "c")
        accepted.values = ["a", "b'); DROP TABLE t; --"]
        let compiled = try plan(accepted)
        #expect(compiled.sql.contains("c NOT IN (@__dq_value_0, @__dq_value_1)"))
        #expect(compiled.parameters["__dq_value_1"] == .string("b'); DROP TABLE t; --"))
        #expect(compiled.evaluate(.int(0), reference: Date()).passed)
        #expect(!compiled.evaluate(.int(2), reference: Date()).passed)

        var range = CheckSpec(type: .range, column: "n")
        range.min = 1
        range.filter = "d = @date"
        #expect(try plan(range).sql == "SELECT COUNT(*) FROM acme.t WHERE (n < @__dq_min) AND (d = @date)")

        var unique = CheckSpec(type: .unique)
        unique.columns = ["a", "b"]
        #expect(try plan(unique).sql.contains("GROUP BY a, b HAVING COUNT(*) > 1"))
    }

    @Test func freshnessMeasuresAgainstReference() throws {
        var check = CheckSpec(type: .freshness, column: "ts")
        check.maxAgeHours = 24
        let compiled = try plan(check)
        let reference = try #require(WarehouseTimestamp.parse("2025-11-16T00:00:00Z"))
        #expect(compiled.evaluate(.string("2025-11-15T12:00:00.000Z"), reference: reference).passed)
        #expect(!compiled.evaluate(.string("2025-11-14T12:00:00.000Z"), reference: reference).passed)
        #expect(!compiled.evaluate(.null, reference: reference).passed)
    }

    @Test func customSQLNeedsTheDialect() {
        var check = CheckSpec(type: .customSQL)
        check.sql = SQLText(perDialect: [.bigquery: "SELECT 0"])
        #expect(throws: TemplateError.self) { try plan(check) }
    }
}
