import Foundation
import TallyPipelines
import TallyWarehouse
import Testing

@testable import TallyAPI

@Suite struct PipelineAPITests {
    static let billPath = "/api/v1/pipelines/run/acme/gcp/cost/bill-sample-export-template"

    /// Net cost (cost + credits) of the shipped sample for one day, computed independently of the pipeline.
    static func expectedNetCost(day: String) throws -> Double {
        let text = try String(
            contentsOfFile: TestApp.configs + "/samples/gcp/billing_export_sample.ndjson", encoding: .utf8)
        var total = 0.0
        for line in text.split(separator: "\n") {
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard (row["usage_start_time"] as? String)?.hasPrefix(day) == true else { continue }
            total += row["cost"] as? Double ?? 0
            for credit in row["credits"] as? [[String: Any]] ?? [] { total += credit["amount"] as? Double ?? 0 }
        }
        return total
    }

    @Test func runsTheBillSampleAndWritesTheDailySummaryNetOfCredits() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        let reply = app.send(
            "POST", Self.billPath, apiKey: key, body: ["trigger_by": "ops@acme.test", "date": "2025-11-15"])
        #expect(reply.status == 202)
        #expect(reply.json["status"] as? String == "PENDING")
        #expect(reply.json["pipeline_id"] as? String == "acme-gcp-cost-bill-sample-export-template")
        let runID = try #require(reply.json["pipeline_logging_id"] as? String)

        let details = app.send("GET", "/api/v1/pipelines/runs/\(runID)", apiKey: key)
        #expect(details.status == 200)
        #expect(details.json["status"] as? String == "SUCCESS", "\(details.json)")
        let steps = try #require(details.json["steps"] as? [[String: Any]])
        #expect(
            steps.map { $0["step_id"] as? String } == [
                "load_billing_export", "daily_cost_summary", "summary_checks", "export_checks",
            ])
        #expect(steps.allSatisfy { $0["status"] as? String == "SUCCESS" })
        let checks = try #require(details.json["dq_results"] as? [[String: Any]])
        #expect(checks.count == 11)
        #expect(checks.filter { $0["severity"] as? String == "error" }.allSatisfy { $0["status"] as? String == "PASS" })

        let total = try #require(
            try app.rows("acme", "SELECT SUM(net_cost) AS n FROM acme.gcp_daily_cost_summary").first?["n"]?.doubleValue)
        #expect(abs(total - (try Self.expectedNetCost(day: "2025-11-15"))) < 0.0001)
        let credits = try app.rows("acme", "SELECT SUM(credits) AS c FROM acme.gcp_daily_cost_summary").first?["c"]
        #expect((credits?.doubleValue ?? 0) < 0, "credits are negative and reduce the net cost")
        #expect(try app.warehouse.listTables("acme").allSatisfy { !$0.hasPrefix("_stg_") })
    }

    @Test func rerunReplacesOnlyThatDay() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        let summary =
            "SELECT usage_date, COUNT(*) AS n, SUM(net_cost) AS c FROM acme.gcp_daily_cost_summary GROUP BY usage_date"
        for day in ["2025-11-14", "2025-11-15"] {
            #expect(app.send("POST", Self.billPath, apiKey: key, body: ["trigger_by": "t", "date": day]).status == 202)
        }
        let first = try app.rows("acme", summary)
        #expect(first.map { $0["usage_date"]?.stringValue } == ["2025-11-14", "2025-11-15"])
        #expect(
            app.send("POST", Self.billPath, apiKey: key, body: ["trigger_by": "t", "date": "2025-11-15"]).status == 202)
        let second = try app.rows("acme", summary)
        #expect(second == first, "re-running a day replaces it: no duplicates, other days untouched")
        #expect(abs((second[1]["c"]?.doubleValue ?? 0) - (try Self.expectedNetCost(day: "2025-11-15"))) < 0.0001)
    }

    @Test func failingErrorCheckFailsTheRunAndLeavesTablesAsTheyWere() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        _ = app.send("POST", Self.billPath, apiKey: key, body: ["trigger_by": "t", "date": "2025-11-15"])
        let before = try app.rows(
            "acme", "SELECT * FROM acme.gcp_daily_cost_summary ORDER BY service_description, project_id, cost_type")
        let reply = app.send("POST", Self.billPath, apiKey: key, body: ["trigger_by": "t", "date": "2019-01-01"])
        let runID = try #require(reply.json["pipeline_logging_id"] as? String)
        let details = app.send("GET", "/api/v1/pipelines/runs/\(runID)", apiKey: key)
        #expect(details.json["status"] as? String == "FAILED")
        #expect((details.json["error_message"] as? String)?.contains("rows_for_date") == true)
        let checks = try #require(details.json["dq_results"] as? [[String: Any]])
        #expect(checks.contains { $0["check_name"] as? String == "rows_for_date" && $0["status"] as? String == "FAIL" })
        let after = try app.rows(
            "acme", "SELECT * FROM acme.gcp_daily_cost_summary ORDER BY service_description, project_id, cost_type")
        #expect(after == before)
        #expect(try app.warehouse.listTables("acme").allSatisfy { !$0.hasPrefix("_stg_") })
    }

    @Test func tenantsCannotReachEachOther() throws {
        let app = try TestApp()
        let acme = try app.onboard("acme")
        let globex = try app.onboard("globex")
        let body = ["trigger_by": "t", "date": "2025-11-15"]
        #expect(app.send("POST", Self.billPath, apiKey: globex, body: body).status == 403)
        #expect(
            app.send(
                "POST", "/api/v1/pipelines/run/nosuch/gcp/cost/bill-sample-export-template", apiKey: globex, body: body
            ).status == 403)
        let runID = try #require(
            app.send("POST", Self.billPath, apiKey: acme, body: body).json["pipeline_logging_id"] as? String)
        #expect(app.send("GET", "/api/v1/pipelines/runs/\(runID)", apiKey: globex).status == 404)
        #expect(app.send("DELETE", "/api/v1/pipelines/runs/\(runID)", apiKey: globex).status == 404)
        #expect((app.send("GET", "/api/v1/pipelines/runs", apiKey: globex).json["runs"] as? [Any])?.count == 1)
        #expect(app.send("GET", "/api/v1/tenants/acme/api-keys", apiKey: globex).status == 403)
        #expect(app.send("GET", "/api/v1/tenants/nosuch/api-keys", apiKey: globex).status == 403)
    }

    @Test func missingOrInvalidKeysAre401WithoutRevealingTenants() throws {
        let app = try TestApp()
        _ = try app.onboard("acme")
        let body = ["trigger_by": "t", "date": "2025-11-15"]
        let fake = "acme_api_" + String(repeating: "x", count: 32)
        let ghost = "ghost_api_" + String(repeating: "x", count: 32)
        for key in [nil, "", "garbage", fake, ghost] {
            let known = app.send("POST", Self.billPath, apiKey: key, body: body)
            let unknown = app.send(
                "POST", "/api/v1/pipelines/run/ghost/gcp/cost/bill-sample-export-template", apiKey: key, body: body)
            #expect(known.status == 401 && unknown.status == 401)
            #expect(known.error == unknown.error)
        }
    }

    @Test func badRunRequestsAre4xxAndChangeNothing() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        let runsBefore = try app.rows("acme", "SELECT COUNT(*) AS n FROM acme.pipeline_runs")
        let cases: [(String, Any?, String?, Int)] = [
            ("/api/v1/pipelines/run/acme/gcp/cost/nope", ["trigger_by": "t", "date": "2025-11-15"], nil, 404),
            ("/api/v1/pipelines/run/acme/gcp/../cost/x", ["trigger_by": "t"], nil, 400),
            ("/api/v1/pipelines/run/acme/gcp/cost/%2e%2e", ["trigger_by": "t"], nil, 400),
            ("/api/v1/pipelines/run/acme/GCP/cost/x", ["trigger_by": "t"], nil, 404),
            (Self.billPath, ["trigger_by": "t", "date": "2025-02-30"], nil, 400),
            (Self.billPath, ["trigger_by": "t", "date": "2025-11-15' OR 1=1 --"], nil, 400),
            (Self.billPath, ["trigger_by": "t", "date": 20_251_115], nil, 400),
            (Self.billPath, ["trigger_by": ["x"], "date": "2025-11-15"], nil, 400),
            (Self.billPath, ["date": "2025-11-15"], nil, 400),
            (Self.billPath, ["trigger_by": "t"], nil, 400),
            (Self.billPath, ["trigger_by": "t", "date": "2025-11-15", "extra": 1], nil, 400),
            (Self.billPath, nil, "not json", 400),
            (Self.billPath, nil, "", 400),
        ]
        for (path, body, raw, status) in cases {
            let reply = app.send("POST", path, apiKey: key, body: body, rawBody: raw)
            #expect(reply.status == status, "\(path) \(String(describing: body)) → \(reply.status) \(reply.json)")
            #expect(reply.error != nil)
        }
        #expect(try app.rows("acme", "SELECT COUNT(*) AS n FROM acme.pipeline_runs") == runsBefore)
    }

    @Test func listFiltersAndValidatesQuery() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        _ = app.send("POST", Self.billPath, apiKey: key, body: ["trigger_by": "t", "date": "2025-11-15"])
        let all = app.send("GET", "/api/v1/pipelines/runs", apiKey: key)
        #expect((all.json["runs"] as? [Any])?.count == 2, "dry run and bill sample")
        let filtered = app.send(
            "GET",
            "/api/v1/pipelines/runs?pipeline_id=acme-gcp-cost-bill-sample-export-template&status=SUCCESS&limit=5",
            apiKey: key)
        #expect((filtered.json["runs"] as? [Any])?.count == 1)
        #expect(app.send("GET", "/api/v1/pipelines/runs?status=DONE", apiKey: key).status == 400)
        #expect(app.send("GET", "/api/v1/pipelines/runs?limit=0", apiKey: key).status == 400)
        #expect(app.send("GET", "/api/v1/pipelines/runs?limit=abc", apiKey: key).status == 400)
        #expect(app.send("GET", "/api/v1/pipelines/runs?sql=1", apiKey: key).status == 400)
        #expect(app.send("GET", "/api/v1/pipelines/runs/not-a-uuid", apiKey: key).status == 404)
    }
}
