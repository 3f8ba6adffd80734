import Foundation
import TallyHTTPClient
import Testing

@testable import TallyWarehouse

@Suite("Jobs: ids, 409 on retry, polling, errors inside HTTP 200 (recorded responses)")
struct JobTests {
    private func jobID(_ request: HTTPClientRequest) -> String? {
        request.body.flatMap(BigQueryJSON.parse)?["jobReference"]?["jobId"]?.string
    }

    @Test func aRetriedInsertThatAlreadyRanIsFetchedNotRunAgain() throws {
        let transport = ScriptedTransport([
            .failure(.timeout),  // the insert reached BigQuery, the answer was lost
            Recorded.error(409, "duplicate", "Already Exists: Job p:EU.tally_x"),
            Recorded.job("tally_x", state: "RUNNING"),
            Recorded.job("tally_x", statistics: #"{"query":{"numDmlAffectedRows":"3"}}"#),
        ])
        let job = try transport.client().runJob(id: "tally_x", configuration: .object([:]), timeout: .seconds(60))
        #expect(job["statistics"]?["query"]?["numDmlAffectedRows"]?.int64 == 3)
        #expect(
            transport.calls == [
                "POST /bigquery/v2/projects/p/jobs", "POST /bigquery/v2/projects/p/jobs",
                "GET /bigquery/v2/projects/p/jobs/tally_x", "GET /bigquery/v2/projects/p/jobs/tally_x",
            ])
        #expect(jobID(transport.requests[0]) == "tally_x" && jobID(transport.requests[1]) == "tally_x")
        #expect(transport.requests[2].url.contains("location=EU"))
    }

    @Test func pendingJobsArePolledUntilDone() throws {
        let transport = ScriptedTransport([
            Recorded.job("j", state: "PENDING"), Recorded.job("j", state: "RUNNING"),
            Recorded.job("j", state: "RUNNING"),
            Recorded.job("j"),
        ])
        _ = try transport.client().runJob(id: "j", configuration: .object([:]), timeout: .seconds(60))
        #expect(transport.requests.count == 4)
        #expect(transport.sleeps == [.milliseconds(50), .milliseconds(100), .milliseconds(200)])
    }

    @Test func aJobThatFailedInsideHTTP200IsAnError() {
        let transport = ScriptedTransport([Recorded.job("j", error: "invalidQuery")])
        #expect(throws: BigQueryError(.service(status: 200), reason: "invalidQuery", message: "failed: invalidQuery")) {
            try transport.client().runJob(id: "j", configuration: .object([:]), timeout: .seconds(60))
        }
    }

    @Test func writeEmptyIntoATableWithRowsIsTableNotEmpty() throws {
        let transport = ScriptedTransport([Recorded.job("j", error: "duplicate")])
        let destination = try TableRef(dataset: "t1", table: "out")
        #expect(throws: WarehouseError.tableNotEmpty("t1.out")) {
            try transport.warehouse().queryToTable(
                "SELECT 1 AS n", parameters: [:], destination: destination, disposition: .empty, options: JobOptions())
        }
        let job = try #require(transport.body(0))
        #expect(job["configuration"]?["query"]?["writeDisposition"] == .string("WRITE_EMPTY"))
        #expect(job["configuration"]?["query"]?["destinationTable"]?["tableId"] == .string("out"))
        #expect(job["configuration"]?["query"]?["maximumBytesBilled"] == .string("1000000"))
        #expect(job["configuration"]?["labels"]?["tally_tenant"] == .string("t1"))
    }

    @Test func jobIdsAreFixedPerCallAndFreshPerCall() {
        let unique = UUID()
        let first = JobID(kind: "txn", dataset: "acme", unique: unique)
        #expect(first == JobID(kind: "txn", dataset: "acme", unique: unique))
        #expect(first.attempt(0) == first.base)
        #expect(first.attempt(2) == first.base + "_a2")
        #expect(first.base.hasPrefix("tally_txn_acme_"))
        #expect(first.base.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
        #expect(JobID(kind: "txn", dataset: "acme") != JobID(kind: "txn", dataset: "acme"))
        #expect(first.insertID(row: 3) == first.base + "_3")
    }

    @Test func aFailedAssertionIsConditionFailedAndALostConflictIsReRunUnderANewId() throws {
        let transport = ScriptedTransport([
            .json(
                200,
                #"{"jobReference":{"jobId":"a"},"status":{"state":"DONE","errorResult":{"reason":"invalidQuery","message":"Transaction is aborted due to concurrent update against table p:t1._tally_lock. Transaction ID: 1"}}}"#
            ),
            .json(
                200,
                #"{"jobReference":{"jobId":"b"},"status":{"state":"DONE","errorResult":{"reason":"invalidQuery","message":"tally:condition:0 at [4:1]"}}}"#
            ),
        ])
        let statement = SQLStatement(
            "UPDATE t1.runs SET s = @s WHERE id = @id", parameters: ["s": .string("x"), "id": .null], expectedRows: 1)
        #expect(throws: WarehouseError.conditionFailed(statementIndex: 0)) {
            try transport.warehouse().execute([statement], in: "t1", options: JobOptions(labels: ["tally_run": "r-1"]))
        }
        let first = try #require(jobID(transport.requests[0]))
        #expect(jobID(transport.requests[1]) == first + "_a1")
        let script = try #require(transport.body(0)?["configuration"]?["query"]?["query"]?.string)
        #expect(
            script.hasPrefix("BEGIN TRANSACTION;\nUPDATE `p.t1._tally_lock` SET version = version + 1 WHERE TRUE;\n"))
        #expect(
            script.contains(
                "UPDATE t1.runs SET s = @s0_s WHERE id = NULL;\nASSERT @@row_count = 1 AS 'tally:condition:0';"))
        #expect(script.hasSuffix("COMMIT TRANSACTION;"))
        #expect(transport.body(0)?["configuration"]?["labels"]?["tally_run"] == .string("r-1"))
    }

    @Test func queriesWaitForCompletionThenPage() throws {
        let schema = #"{"fields":[{"name":"n","type":"INTEGER","mode":"NULLABLE"}]}"#
        let transport = ScriptedTransport([
            .json(200, #"{"jobReference":{"projectId":"p","jobId":"q1","location":"EU"},"jobComplete":false}"#),
            .json(
                200,
                #"{"jobReference":{"jobId":"q1"},"jobComplete":true,"schema":\#(schema),"rows":[{"f":[{"v":"1"}]}],"pageToken":"t2","totalRows":"2"}"#
            ),
            .json(
                200,
                #"{"jobReference":{"jobId":"q1"},"jobComplete":true,"schema":\#(schema),"rows":[{"f":[{"v":"2"}]}]}"#),
        ])
        let result = try transport.warehouse().query(
            "SELECT n FROM t1.x WHERE a = @a", parameters: ["a": .int(5), "other": .bool(true)], in: "t1",
            options: JobOptions(labels: ["tally_pipeline": "t1-gcp-cost-daily"]))
        #expect(result.rows.map { $0["n"] } == [.int(1), .int(2)])
        let request = try #require(transport.body(0))
        #expect(request["formatOptions"]?["useInt64Timestamp"] == .bool(true))
        #expect(request["useLegacySql"] == .bool(false))
        #expect(request["parameterMode"] == .string("NAMED"))
        #expect(request["queryParameters"]?.array?.count == 1)  // only what the SQL references
        #expect(request["maximumBytesBilled"] == .string("1000000"))
        #expect(request["defaultDataset"]?["datasetId"] == .string("t1"))
        #expect(request["labels"]?["tally_pipeline"] == .string("t1-gcp-cost-daily"))
        #expect(request["requestId"]?.string?.count == 36)
        #expect(transport.requests[1].url.contains("formatOptions.useInt64Timestamp=true"))
        #expect(transport.requests[2].url.contains("pageToken=t2"))
    }
}
