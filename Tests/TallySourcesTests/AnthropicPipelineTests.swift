import Foundation
import TallyHTTP
import TallyPipelines
import TallyWarehouse
import Testing

/// `anthropic/cost/cost-report` end to end: fixture Anthropic Admin API → raw tables → FOCUS → reconciliation.
@Suite struct AnthropicPipelineTests {
    func harness(_ server: FixtureServer, settings: [String: JSONValue] = [:]) throws -> CostHarness {
        let harness = try CostHarness(environment: ["TALLY_ANTHROPIC_BASE_URL": server.baseURL])
        try harness.addCredential("anthropic", value: Scenarios.anthropicKey, settings: settings)
        return harness
    }

    @Test func loadsCostReportInDollarsAndReconciles() throws {
        let server = try FixtureServer(scenario: Scenarios.anthropic())
        defer { server.stop() }
        let harness = try harness(server)
        let run = try harness.run("anthropic", "cost-report", ["date": .string("2025-11-16")])
        #expect(run.status == .success, "\(run.errorMessage ?? "")")

        let calls = server.requests.filter { $0.path == "/v1/organizations/cost_report" }
        #expect(calls.count == 2)
        #expect(server.requests.allSatisfy { $0.authorized })
        #expect(calls.first?.query["starting_at"] == ["2025-11-13T00:00:00Z"])
        #expect(calls.first?.query["ending_at"] == ["2025-11-17T00:00:00Z"])
        #expect(calls.first?.query["group_by[]"] == ["workspace_id", "description"])
        #expect(calls.last?.query["page"] != nil)

        // Cents to dollars, exactly: "4187.5" is $41.875, kept as the raw decimal text too.
        let raw = try #require(
            try harness.rows("SELECT * FROM {t}.anthropic_cost_raw WHERE amount_cents = '4187.5'").first)
        #expect(raw["amount_usd"] == .string("41.875"))
        let output = try #require(
            try harness.rows(
                "SELECT * FROM {t}.focus_costs WHERE x_TokenType = 'output_tokens' AND SubAccountId IS NOT NULL"
            ).first)
        #expect(output["BilledCost"]?.doubleValue == 41.875)
        #expect(output["BillingAccountId"] == .string("org_fixture_anthropic"))
        #expect(output["BillingAccountName"] == .string("Acme AI"))
        #expect(output["SubAccountType"] == .string("Workspace"))
        #expect(output["PricingQuantity"]?.doubleValue == 2_791_667)
        #expect(output["PricingUnit"] == .string("Tokens"))
        #expect(output["SkuId"] == .string(Scenarios.sonnet))
        #expect(output["SkuMeter"] == .string("output_tokens"))
        #expect(
            output["SkuPriceDetails"]
                == .json(#"{"x_ServiceTier":"standard","x_ContextWindow":"0-200k","x_InferenceGeo":null}"#))

        let defaultWorkspace = try #require(
            try harness.rows(
                "SELECT * FROM {t}.focus_costs WHERE x_source = 'anthropic' AND SubAccountId IS NULL "
                    + "AND x_TokenType = 'output_tokens'"
            ).first)
        #expect(defaultWorkspace["BilledCost"]?.doubleValue == 0.5)
        #expect(defaultWorkspace["PricingQuantity"]?.doubleValue == 33_333)
        let search = try #require(
            try harness.rows("SELECT * FROM {t}.focus_costs WHERE x_CostType = 'web_search'").first)
        #expect(search["PricingQuantity"]?.doubleValue == 30)
        #expect(search["PricingUnit"] == .string("Requests"))

        let daily = try harness.rows(
            """
            SELECT x_usage_date, ROUND(SUM(BilledCost), 6) AS total FROM {t}.focus_costs
            WHERE x_source = 'anthropic' GROUP BY x_usage_date ORDER BY x_usage_date
            """)
        #expect(daily.count == Scenarios.anthropicDailyTotals.count)
        for row in daily {
            let expected = Scenarios.anthropicDailyTotals[row["x_usage_date"]?.stringValue ?? ""] ?? .nan
            #expect(abs((row["total"]?.doubleValue ?? 0) - expected) < 0.0000005, "\(row)")
        }
        let checks = try harness.checks(of: run)
        #expect(checks["reconcile_daily_billed_cost"]?["status"] == .string("PASS"))
        // Code execution has no quantity in either report: recorded as a warning, the run still succeeds.
        let quantity = checks["usage_rows_have_pricing_quantity"]
        #expect(quantity?["status"] == .string("FAIL") && quantity?["severity"] == .string("warn"))
        #expect(quantity?["observed_value"] == .string("1"))
        #expect(try harness.total("SELECT COUNT(*) FROM {t}.llm_token_usage WHERE x_source = 'anthropic'") > 0)
    }

    @Test func rateLimitAndServerErrorsAreRetried() throws {
        let faults: [String: Any] = ["status_first": ["cost_report": [429, 503], "me": [429]]]
        let server = try FixtureServer(scenario: Scenarios.anthropic(faults: faults))
        defer { server.stop() }
        let harness = try harness(server)
        let started = ContinuousClock.now
        let run = try harness.run("anthropic", "cost-report", ["date": .string("2025-11-16")])
        #expect(run.status == .success, "\(run.errorMessage ?? "")")
        // Retry-After: 1 was honoured twice (the 429s); the 503 backed off briefly.
        #expect(ContinuousClock.now - started >= .seconds(2))
        #expect(server.requests.filter { $0.path == "/v1/organizations/cost_report" }.count == 4)
        #expect(try harness.total("SELECT SUM(BilledCost) FROM {t}.focus_costs") == 46.09)
    }

    @Test func organizationMustMatchTheConfiguredOne() throws {
        let server = try FixtureServer(scenario: Scenarios.anthropic())
        defer { server.stop() }
        let harness = try harness(server, settings: ["organization_id": .string("org_someone_else")])
        let run = try harness.run("anthropic", "cost-report", ["date": .string("2025-11-16")])
        #expect(run.status == .failed)
        #expect(
            run.errorMessage?.contains("belongs to organization org_fixture_anthropic, not org_someone_else") == true)
        #expect(try !harness.tableExists("focus_costs"))
    }
}
