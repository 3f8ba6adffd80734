import Testing

@testable import TallyWarehouse

@Suite("Streaming inserts and script row counts (recorded responses)")
struct InsertAndCountTests {
    static let table =
        #"{"tableReference":{"tableId":"t"},"numRows":"0","schema":{"fields":[{"name":"id","type":"STRING","mode":"REQUIRED"},{"name":"count","type":"INTEGER"}]}}"#

    private func streaming(_ answers: [ScriptedTransport.Answer]) -> (ScriptedTransport, BigQueryWarehouse) {
        let transport = ScriptedTransport([.json(200, Self.table)] + answers)
        var options = BigQueryWarehouse.Options()
        options.dmlInsertRows = 0
        options.streamBulkInserts = true
        return (transport, transport.warehouse(options: options))
    }

    @Test func insertIdsAreFixedPerRowAndSurviveARetry() throws {
        let (transport, warehouse) = streaming([
            Recorded.error(503, "backendError", "Backend error"),
            .json(200, #"{"kind":"bigquery#tableDataInsertAllResponse"}"#),
        ])
        let rows: [Row] = [["id": .string("a"), "count": .int(1)], ["id": .string("b")]]
        try warehouse.insertRows(rows, into: try TableRef(dataset: "d", table: "t"), options: JobOptions())
        let first = try #require(transport.body(1)?["rows"]?.array)
        let retry = try #require(transport.body(2)?["rows"]?.array)
        #expect(first == retry)
        let ids = first.compactMap { $0["insertId"]?.string }
        #expect(
            ids.count == 2 && ids[0].hasSuffix("_0") && ids[1].hasSuffix("_1") && ids[0].hasPrefix("tally_stream_d_"))
        #expect(first[0]["json"] == .object(["id": .string("a"), "count": .string("1")]))
        #expect(transport.body(1)?["skipInvalidRows"] == .bool(false))
    }

    @Test func rowErrorsInsideHTTP200FailTheInsertWithoutData() throws {
        let (_, warehouse) = streaming([
            .json(
                200,
                #"{"kind":"bigquery#tableDataInsertAllResponse","insertErrors":[{"index":0,"errors":[{"reason":"stopped","message":""}]},{"index":1,"errors":[{"reason":"invalid","location":"count","message":"Cannot convert value secret-value to integer"}]}]}"#
            )
        ])
        #expect(throws: WarehouseError.invalidValue("d.t: row rejected (invalid) at count")) {
            try warehouse.insertRows(
                [["id": .string("a")], ["id": .string("b")]], into: try TableRef(dataset: "d", table: "t"),
                options: JobOptions())
        }
    }

    @Test func aFailedLoadJobReportsItsReasonNotTheRow() throws {
        let transport = ScriptedTransport([
            .json(200, Self.table.replacingOccurrences(of: "INTEGER", with: "INTEGER\",\"mode\":\"REPEATED")),
            .json(
                200,
                #"{"jobReference":{"jobId":"l"},"status":{"state":"DONE","errorResult":{"reason":"invalid","message":"Could not convert value 'secret' to integer"}}}"#
            ),
        ])
        #expect(throws: WarehouseError.invalidValue("d.t: load job rejected the rows (invalid)")) {
            try transport.warehouse().insertRows(
                [["id": .string("a"), "count": .json("[1]")]], into: try TableRef(dataset: "d", table: "t"),
                options: JobOptions())
        }
        #expect(transport.requests[1].url.contains("/upload/bigquery/v2/projects/p/jobs?"))
        #expect(transport.requests[1].url.contains("uploadType=multipart"))
        #expect(transport.requests[1].header("Content-Type")?.hasPrefix("multipart/related; boundary=tally_") == true)
    }

    /// Real BigQuery lists a script's children newest first, each with the script line it ran.
    @Test func scriptCountsFollowChildJobStackFrames() throws {
        func child(_ id: Int, _ type: String, line: Int, rows: Int) -> String {
            #"{"jobReference":{"jobId":"script_job_x_\#(id)"},"statistics":{"creationTime":"1","scriptStatistics":{"stackFrames":[{"startLine":\#(line)}]},"query":{"statementType":"\#(type)","numDmlAffectedRows":"\#(rows)"}}}"#
        }
        let children = [
            child(5, "COMMIT_TRANSACTION", line: 8, rows: 0), child(4, "DELETE", line: 7, rows: 4),
            child(3, "ASSERT", line: 6, rows: 0), child(2, "UPDATE", line: 3, rows: 1),
            child(1, "UPDATE", line: 2, rows: 1),
        ]
        let transport = ScriptedTransport([
            .json(200, #"{"jobReference":{"jobId":"tx"},"status":{"state":"DONE"}}"#),
            .json(200, #"{"jobs":[\#(children.joined(separator: ","))]}"#),
        ])
        let counts = try transport.warehouse().execute(
            [
                SQLStatement("UPDATE d.r\nSET a = 1\nWHERE b = 2", expectedRows: 1),
                SQLStatement("DELETE FROM d.r WHERE c = 3"),
                SQLStatement("CREATE TEMP TABLE x AS SELECT 1 AS y"),
            ], in: "d", options: JobOptions())
        #expect(counts == [1, 4, 0])
        #expect(transport.requests[1].url.contains("parentJobId=tx"))
    }
}
