import Foundation
import TallyHTTP
import TallyPipelines
import TallyWarehouse
import Testing

/// Runs that must fail: with a clear error naming the endpoint (never the key), and without publishing
/// anything (the runner's staging tables are dropped).
@Suite struct FailureTests {
    func openAIHarness(_ server: FixtureServer, key: String = Scenarios.openAIKey) throws -> CostHarness {
        let harness = try CostHarness(environment: ["TALLY_OPENAI_BASE_URL": server.baseURL])
        try harness.addCredential("openai", value: key, settings: ["organization_id": "org-fixture"])
        return harness
    }

    func tables(_ harness: CostHarness) throws -> [[Row]] {
        try ["focus_costs", "openai_costs_raw", "llm_token_usage"].map { try harness.table($0) }
            + [harness.table("cost_windows", orderBy: "source")]
    }

    @Test func malformedJSONFailsAndKeepsThePreviousTables() throws {
        let server = try FixtureServer(scenario: Scenarios.openAI())
        defer { server.stop() }
        let harness = try openAIHarness(server)
        let body: [String: JSONValue] = ["date": "2025-11-16"]
        #expect(try harness.run("openai", "costs", body).status == .success)
        let before = try tables(harness)

        try server.replaceScenario(Scenarios.openAI(faults: ["malformed_page": ["costs": 2]]))
        let run = try harness.run("openai", "costs", body)
        #expect(run.status == .failed)
        #expect(run.errorMessage?.contains("OpenAI GET /v1/organization/costs: malformed JSON (page 2)") == true)
        #expect(run.errorMessage?.contains(Scenarios.openAIKey) == false)
        #expect(try tables(harness) == before)
        #expect(try harness.warehouse.listTables(harness.tenant).allSatisfy { !$0.hasPrefix("_stg_") })
    }

    @Test func anthropicMalformedJSONOnFirstRunPublishesNothing() throws {
        let server = try FixtureServer(scenario: Scenarios.anthropic(faults: ["malformed_page": ["usage_report": 1]]))
        defer { server.stop() }
        let harness = try CostHarness(environment: ["TALLY_ANTHROPIC_BASE_URL": server.baseURL])
        try harness.addCredential("anthropic", value: Scenarios.anthropicKey, settings: [:])
        let run = try harness.run("anthropic", "cost-report", ["date": "2025-11-16"])
        #expect(run.status == .failed)
        #expect(
            run.errorMessage?.contains("Anthropic GET /v1/organizations/usage_report/messages: malformed JSON (page 1)")
                == true)
        for table in ["focus_costs", "anthropic_cost_raw", "anthropic_usage_raw", "cost_windows"] {
            #expect(try !harness.tableExists(table), "\(table)")
        }
    }

    @Test func rejectedKeyIsReportedWithoutTheKey() throws {
        let server = try FixtureServer(scenario: Scenarios.openAI())
        defer { server.stop() }
        let wrongKey = "sk-admin-wrong-key-9876543210fedcba"
        let harness = try openAIHarness(server, key: wrongKey)
        let run = try harness.run("openai", "costs", ["date": "2025-11-16"])
        #expect(run.status == .failed)
        let message = run.errorMessage ?? ""
        #expect(message.contains("OpenAI GET /v1/organization/costs: HTTP 401"))
        #expect(message.contains("the admin key was rejected"))
        #expect(!message.contains(wrongKey) && !message.contains("9876543210"))
        let logs = try harness.rows("SELECT error_message FROM {t}.step_logs WHERE error_message IS NOT NULL")
        #expect(!logs.isEmpty && logs.allSatisfy { !($0["error_message"]?.stringValue ?? "").contains(wrongKey) })
    }

    @Test func inconsistentSourceDataFailsReconciliation() throws {
        // Page 2 repeats page 1's natural key (bucket, project, line item) with another amount: FOCUS keeps one
        // row per key, so its total no longer equals the raw rows' own total and the run must not publish.
        var costs = Scenarios.openAICosts
        costs["2025-11-15"]?.append(
            Scenarios.openAICost(0.5, "gpt-4o, input", project: "proj_alpha", quantity: 200_000))
        let server = try FixtureServer(scenario: Scenarios.openAI(costs: costs))
        defer { server.stop() }
        let harness = try openAIHarness(server)
        let run = try harness.run("openai", "costs", ["start_date": "2025-11-14", "end_date": "2025-11-16"])
        #expect(run.status == .failed)
        #expect(run.errorMessage?.contains("data quality checks failed: reconcile_daily_billed_cost") == true)
        let check = try #require(try harness.checks(of: run)["reconcile_daily_billed_cost"])
        #expect(check["status"] == .string("FAIL"))
        #expect(check["observed_value"] == .string("1"))
        #expect(check["severity"] == .string("error"))
        #expect(try !harness.tableExists("focus_costs"))
    }

    @Test func badDateRangesFailInTheWindowStep() throws {
        let server = try FixtureServer(scenario: Scenarios.openAI())
        defer { server.stop() }
        let harness = try openAIHarness(server)
        let cases: [([String: JSONValue], String)] = [
            (
                ["start_date": "2025-11-16", "end_date": "2025-11-14"],
                "end_date 2025-11-14 is before start_date 2025-11-16"
            ),
            (
                ["start_date": "2025-01-01", "end_date": "2025-06-30"],
                "2025-01-01..2025-06-30 covers 181 days; a run covers at most 93"
            ),
            (["date": "2025-11-16", "start_date": "2025-11-14"], "give either date or start_date and end_date"),
            (["start_date": "2025-11-14"], "start_date and end_date must be given together"),
            ([:], "a run needs date, or start_date and end_date"),
            (["date": "2025-11-16", "trailing_days": 90], "trailing_days must be an integer from 0 to 62"),
        ]
        for (body, expected) in cases {
            let run = try harness.run("openai", "costs", body)
            #expect(run.status == .failed)
            #expect(run.errorMessage?.contains("invalid date range: \(expected)") == true, "\(run.errorMessage ?? "")")
        }
        #expect(server.requests.isEmpty)
    }

    @Test func unexpectedShapeNamesTheEndpointAndField() throws {
        var costs = Scenarios.openAICosts
        costs["2025-11-16"] = [["object": "organization.costs.result", "line_item": "gpt-4o, input"]]
        let server = try FixtureServer(scenario: Scenarios.openAI(costs: costs, pageSize: 31))
        defer { server.stop() }
        let harness = try openAIHarness(server)
        let run = try harness.run("openai", "costs", ["date": "2025-11-16"])
        #expect(run.status == .failed)
        #expect(
            run.errorMessage?.contains(
                "OpenAI GET /v1/organization/costs: unexpected response shape (page 1): data[3].results[0].amount "
                    + "is missing") == true, "\(run.errorMessage ?? "")")
        #expect(try !harness.tableExists("openai_costs_raw"))
    }

    @Test func missingOrganizationIdIsAClearError() throws {
        let server = try FixtureServer(scenario: Scenarios.openAI())
        defer { server.stop() }
        let harness = try CostHarness(environment: ["TALLY_OPENAI_BASE_URL": server.baseURL])
        try harness.addCredential("openai", value: Scenarios.openAIKey, settings: [:])
        let run = try harness.run("openai", "costs", ["date": "2025-11-16"])
        #expect(run.errorMessage?.contains("OpenAI credential: the organization_id setting is required") == true)
    }
}
