import Foundation
import TallyHTTP
import TallyPipelines
import TallyWarehouse
import Testing

/// `openai/cost/costs` end to end: fixture OpenAI API → raw tables → FOCUS → reconciliation, through the real
/// runner.
@Suite struct OpenAIPipelineTests {
    let settings: [String: JSONValue] = ["organization_id": .string("org-fixture")]

    func harness(_ server: FixtureServer) throws -> CostHarness {
        let harness = try CostHarness(environment: ["TALLY_OPENAI_BASE_URL": server.baseURL])
        try harness.addCredential("openai", value: Scenarios.openAIKey, settings: settings)
        return harness
    }

    @Test func loadsCostsIntoFocusAndReconciles() throws {
        let server = try FixtureServer(scenario: Scenarios.openAI())
        defer { server.stop() }
        let harness = try harness(server)
        let run = try harness.run("openai", "costs", ["date": .string("2025-11-16")])
        #expect(run.status == .success, "\(run.errorMessage ?? "")")

        // Default trailing window: three days before the requested one, sent aligned to UTC midnight.
        let costCalls = server.requests.filter { $0.path == "/v1/organization/costs" }
        #expect(costCalls.count == 2)
        #expect(costCalls.allSatisfy { $0.authorized })
        #expect(costCalls.first?.query["start_time"] == ["1762992000"])
        #expect(costCalls.first?.query["end_time"] == ["1763337600"])
        #expect(costCalls.first?.query["group_by"] == ["project_id", "line_item"])
        #expect(costCalls.first?.query["bucket_width"] == ["1d"])
        #expect(costCalls.last?.query["page"] != nil)

        let window = try harness.rows("SELECT * FROM {t}.cost_windows WHERE source = 'openai'")
        #expect(window.first?["window_start"] == .date("2025-11-13"))
        #expect(window.first?["window_end"] == .date("2025-11-16"))

        let daily = try harness.rows(
            """
            SELECT x_usage_date, ROUND(SUM(BilledCost), 6) AS total, COUNT(*) AS n FROM {t}.focus_costs
            WHERE x_source = 'openai' GROUP BY x_usage_date ORDER BY x_usage_date
            """)
        #expect(daily.map { $0["x_usage_date"]?.stringValue ?? "" } == ["2025-11-14", "2025-11-15", "2025-11-16"])
        for row in daily {
            let expected = Scenarios.openAIDailyTotals[row["x_usage_date"]?.stringValue ?? ""] ?? -1
            #expect(abs((row["total"]?.doubleValue ?? 0) - expected) < 0.0000005)
        }

        let first = try #require(
            try harness.rows("SELECT * FROM {t}.focus_costs WHERE x_LineItem = 'gpt-4o, input' ORDER BY x_usage_date")
                .first)
        #expect(first["BillingCurrency"] == .string("USD"))
        #expect(first["ChargePeriodStart"]?.stringValue == "2025-11-14T00:00:00.000Z")
        #expect(first["ChargePeriodEnd"]?.stringValue == "2025-11-15T00:00:00.000Z")
        #expect(first["BillingPeriodStart"]?.stringValue == "2025-11-01T00:00:00.000Z")
        #expect(first["BillingPeriodEnd"]?.stringValue == "2025-12-01T00:00:00.000Z")
        #expect(first["SkuId"] == .string("gpt-4o"))
        #expect(first["SkuMeter"] == .string("input"))
        #expect(first["PricingUnit"] == .string("Tokens"))
        #expect(first["PricingQuantity"]?.doubleValue == 768_000)
        #expect(first["SubAccountId"] == .string("proj_alpha"))
        #expect(first["BillingAccountId"] == .string("org-fixture"))
        #expect(first["ChargeCategory"] == .string("Usage"))

        let checks = try harness.checks(of: run)
        #expect(checks["reconcile_daily_billed_cost"]?["status"] == .string("PASS"))
        // Token usage: exclusive meters (input_tokens includes the cached ones), never cost rows.
        let usage = try harness.rows(
            """
            SELECT SkuMeter, ConsumedQuantity, ConsumedUnit FROM {t}.llm_token_usage
            WHERE x_source = 'openai' AND SkuId = 'gpt-4o' ORDER BY SkuMeter
            """)
        #expect(usage.map { $0["SkuMeter"]?.stringValue } == ["input_cached", "input_uncached", "output", "requests"])
        #expect(usage.map { $0["ConsumedQuantity"]?.doubleValue } == [200_000, 568_000, 48_000, 120])
        #expect(usage.last?["ConsumedUnit"] == .string("Requests"))
    }
}
