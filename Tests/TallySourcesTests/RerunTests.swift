import Foundation
import TallyHTTP
import TallyPipelines
import TallyWarehouse
import Testing

/// Re-runs replace exactly a source's rows for the run's window: identical tables after the same run twice,
/// restated days updated, other days and other sources untouched.
@Suite struct RerunTests {
    let tables = ["focus_costs", "openai_costs_raw", "openai_usage_raw", "llm_token_usage", "cost_windows"]

    func snapshot(_ harness: CostHarness, _ names: [String]) throws -> [String: [Row]] {
        var result: [String: [Row]] = [:]
        for name in names {
            result[name] = try harness.table(name, orderBy: name == "cost_windows" ? "source" : "x_source_row_id")
        }
        return result
    }

    @Test func openAIRunTwiceLeavesIdenticalTables() throws {
        let server = try FixtureServer(scenario: Scenarios.openAI())
        defer { server.stop() }
        let harness = try CostHarness(environment: ["TALLY_OPENAI_BASE_URL": server.baseURL])
        try harness.addCredential("openai", value: Scenarios.openAIKey, settings: ["organization_id": "org-fixture"])
        let body: [String: JSONValue] = ["start_date": "2025-11-14", "end_date": "2025-11-16"]
        #expect(try harness.run("openai", "costs", body).status == .success)
        let first = try snapshot(harness, tables)
        #expect(first["focus_costs"]?.count == 8)
        #expect(try harness.run("openai", "costs", body).status == .success)
        #expect(try snapshot(harness, tables) == first)
    }

    @Test func restatedDaysAreReplacedAndOtherDaysKept() throws {
        let server = try FixtureServer(scenario: Scenarios.openAI())
        defer { server.stop() }
        let harness = try CostHarness(environment: ["TALLY_OPENAI_BASE_URL": server.baseURL])
        try harness.addCredential("openai", value: Scenarios.openAIKey, settings: ["organization_id": "org-fixture"])
        #expect(try harness.run("openai", "costs", ["date": "2025-11-14", "trailing_days": 0]).status == .success)
        #expect(try harness.run("openai", "costs", ["date": "2025-11-16", "trailing_days": 1]).status == .success)
        #expect(try harness.total("SELECT SUM(BilledCost) FROM {t}.focus_costs") == 12.56)

        // OpenAI restates the 15th; a run for the 16th re-pulls it through its trailing window.
        var costs = Scenarios.openAICosts
        costs["2025-11-15"] = [Scenarios.openAICost(10, "o3, output", project: nil, quantity: 250_000)]
        try server.replaceScenario(Scenarios.openAI(costs: costs))
        #expect(try harness.run("openai", "costs", ["date": "2025-11-16", "trailing_days": 1]).status == .success)
        let daily = try harness.rows(
            "SELECT x_usage_date, ROUND(SUM(BilledCost), 6) AS total, COUNT(*) AS n FROM {t}.focus_costs "
                + "GROUP BY x_usage_date ORDER BY x_usage_date")
        #expect(daily.map { $0["x_usage_date"]?.stringValue } == ["2025-11-14", "2025-11-15", "2025-11-16"])
        #expect(daily.map { $0["total"]?.doubleValue } == [2.4123, 10, 7.25])
        #expect(daily.map { $0["n"]?.intValue } == [3, 1, 2])
        #expect(try harness.total("SELECT COUNT(*) FROM {t}.openai_costs_raw WHERE x_usage_date = '2025-11-15'") == 1)
    }

    @Test func sourcesReplaceOnlyTheirOwnRows() throws {
        let scenario = Scenarios.openAI().merging(Scenarios.anthropic()) { $1 }
        let server = try FixtureServer(scenario: scenario)
        defer { server.stop() }
        let harness = try CostHarness(environment: [
            "TALLY_OPENAI_BASE_URL": server.baseURL, "TALLY_ANTHROPIC_BASE_URL": server.baseURL,
        ])
        try harness.addCredential("openai", value: Scenarios.openAIKey, settings: ["organization_id": "org-fixture"])
        try harness.addCredential("anthropic", value: Scenarios.anthropicKey, settings: [:])
        try harness.addCredential(
            "gcp", value: GCPPipelineTests.serviceAccount,
            settings: ["billing_export_file": .string(GCPPipelineTests.exportFile)])
        let body: [String: JSONValue] = ["date": "2025-11-16"]
        #expect(try harness.run("openai", "costs", body).status == .success)
        #expect(try harness.run("anthropic", "cost-report", body).status == .success)
        #expect(try harness.run("gcp", "billing-export", body).status == .success)
        let before = try snapshot(harness, ["focus_costs", "llm_token_usage", "cost_windows"])
        #expect(try harness.run("anthropic", "cost-report", body).status == .success)
        #expect(try harness.run("openai", "costs", body).status == .success)
        #expect(try snapshot(harness, ["focus_costs", "llm_token_usage", "cost_windows"]) == before)
        let sources = try harness.rows(
            "SELECT x_source, COUNT(*) AS n FROM {t}.focus_costs GROUP BY x_source ORDER BY 1")
        #expect(sources.map { $0["x_source"]?.stringValue } == ["anthropic", "gcp", "openai"])
        #expect(sources.map { $0["n"]?.intValue } == [7, 12, 8])
    }
}
