import Testing

@testable import TallyWarehouse

@Suite("SQL scanner, transaction scripts and JSON")
struct SQLScannerTests {
    @Test func parametersOutsideLiteralsAndCommentsOnly() {
        let sql = #"""
            SELECT @a, '@b', "@c", '''@d ' still''', r'\@e', `@f`, /* @g */ @h -- @i
            # @j
            FROM x WHERE y = @@row_count AND z = @k_2;
            """#
        #expect(SQLScanner(sql).parameterNames == ["a", "h", "k_2"])
        #expect(SQLScanner(sql).firstWord == "SELECT")
        #expect(!SQLScanner(sql).hasSeveralStatements)
        #expect(SQLScanner("SELECT 1; SELECT 2").hasSeveralStatements)
        #expect(!SQLScanner("SELECT ';' AS s ; -- end").hasSeveralStatements)
        #expect(SQLScanner("  (WITH a AS (SELECT 1) SELECT * FROM a)").firstWord == "WITH")
        #expect(SQLScanner("UPDATE t SET a = 1 WHERE TRUE ;  \n").trimmedStatement == "UPDATE t SET a = 1 WHERE TRUE")
    }

    @Test func readOnlyChecks() {
        #expect(throws: WarehouseError.self) { try BigQueryWarehouse.requireSelect("DELETE FROM t WHERE TRUE") }
        #expect(throws: WarehouseError.self) { try BigQueryWarehouse.requireSelect("-- SELECT\nDROP TABLE t") }
        #expect(throws: Never.self) { try BigQueryWarehouse.requireSelect("/* x */ SELECT 1") }
        #expect(throws: WarehouseError.invalidQuery("one SQL statement expected, found several")) {
            try BoundSQL("SELECT 1; DELETE FROM t WHERE TRUE", [:])
        }
    }

    @Test func scriptsKeepEachStatementOnItsOwnLines() throws {
        let lock = try TableRef(dataset: "d", table: "_tally_lock")
        let script = try TransactionScript(
            [
                SQLStatement(
                    "UPDATE d.r\nSET a = @v\nWHERE id = @id;", parameters: ["v": .int(1), "id": .string("x")],
                    expectedRows: 1),
                SQLStatement("DELETE FROM d.r WHERE id = @id", parameters: ["id": .string("y")]),
            ], trailing: ["TRUNCATE TABLE `p.d.out`"], lock: lock, project: "p")
        let lines = script.sql.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(script.lines == [3...5, 7...7])
        #expect(lines[2] == "UPDATE d.r" && lines[4] == "WHERE id = @s0_id;")
        #expect(lines[5] == "ASSERT @@row_count = 1 AS 'tally:condition:0';")
        #expect(lines[6] == "DELETE FROM d.r WHERE id = @s1_id;")
        #expect(lines[7] == "TRUNCATE TABLE `p.d.out`;")
        #expect(script.parameters.compactMap { $0["name"]?.string } == ["s0_id", "s0_v", "s1_id"])
        let failure = BigQueryError(
            .service(status: 200), reason: "invalidQuery", message: "tally:condition:12 at [9:1]")
        #expect(TransactionScript.failedCondition(in: failure) == 12)
        #expect(TransactionScript.failedCondition(in: BigQueryError(.transport, message: "x")) == nil)
    }

    @Test func jsonRoundTripsExactly() throws {
        let text = #"{"a":[1,-2.5e3,true,false,null],"big":9007199254740993,"s":"q\"\\\n\u00e9\ud83d\ude00\u0001"}"#
        let value = try #require(BigQueryJSON.parse(text))
        #expect(value["big"] == .number("9007199254740993"))
        #expect(value["s"]?.string == "q\"\\\né😀\u{1}")
        #expect(BigQueryJSON.parse(value.text) == value)
        #expect(value.text.contains(#""big":9007199254740993"#))
        #expect(BigQueryJSON.parse("{\"a\":1,}") == nil)
        #expect(BigQueryJSON.parse("<html>") == nil)
        #expect(BigQueryJSON.parse(String(repeating: "[", count: 300) + String(repeating: "]", count: 300)) == nil)
    }
}
