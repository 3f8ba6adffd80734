import Foundation
import TallyHTTP
import TallyPipelines
import TallyWarehouse
import Testing

/// Bucket edge cases of the LLM APIs: empty buckets, an unaligned first bucket, pagination, 429 then success.
@Suite struct BucketTests {
    func harness(_ server: FixtureServer) throws -> CostHarness {
        let harness = try CostHarness(environment: ["TALLY_OPENAI_BASE_URL": server.baseURL])
        try harness.addCredential("openai", value: Scenarios.openAIKey, settings: ["organization_id": "org-fixture"])
        return harness
    }

    @Test func windowsAreSentAlignedAndEmptyBucketsAreNormal() throws {
        let server = try FixtureServer(scenario: Scenarios.openAI(pageSize: 1))
        defer { server.stop() }
        let harness = try harness(server)
        let run = try harness.run("openai", "costs", ["start_date": "2025-11-12", "end_date": "2025-11-16"])
        #expect(run.status == .success, "\(run.errorMessage ?? "")")
        // 8 day buckets (trailing 3 + 5 requested), one per page; the 9th to 13th are empty.
        let calls = server.requests.filter { $0.path == "/v1/organization/costs" }
        #expect(calls.count == 8)
        #expect(calls.allSatisfy { (Int($0.query["start_time"]?.first ?? "") ?? 1) % 86_400 == 0 })
        #expect(calls.allSatisfy { (Int($0.query["end_time"]?.first ?? "") ?? 1) % 86_400 == 0 })
        let starts = try harness.rows("SELECT DISTINCT ChargePeriodStart FROM {t}.focus_costs")
        #expect(starts.allSatisfy { $0["ChargePeriodStart"]?.stringValue?.hasSuffix("T00:00:00.000Z") == true })
        #expect(try harness.total("SELECT COUNT(*) FROM {t}.focus_costs WHERE x_usage_date < '2025-11-14'") == 0)
        #expect(try harness.checks(of: run)["reconcile_daily_billed_cost"]?["status"] == .string("PASS"))
    }

    @Test func unalignedFirstBucketKeepsItsOwnPeriod() throws {
        // As OpenAI does for a start_time of 10:37: the first bucket starts then and ends at midnight.
        let shift = 10 * 3600 + 37 * 60
        let server = try FixtureServer(
            scenario: Scenarios.openAI(faults: ["unaligned_first_bucket_seconds": shift]))
        defer { server.stop() }
        let harness = try harness(server)
        let run = try harness.run("openai", "costs", ["date": "2025-11-15", "trailing_days": 1])
        #expect(run.status == .success, "\(run.errorMessage ?? "")")
        let first = try harness.rows(
            "SELECT DISTINCT ChargePeriodStart, ChargePeriodEnd, x_usage_date FROM {t}.focus_costs "
                + "WHERE x_usage_date = '2025-11-14'")
        #expect(first.count == 1)
        #expect(first.first?["ChargePeriodStart"]?.stringValue == "2025-11-14T10:37:00.000Z")
        #expect(first.first?["ChargePeriodEnd"]?.stringValue == "2025-11-15T00:00:00.000Z")
        #expect(try harness.total("SELECT SUM(BilledCost) FROM {t}.focus_costs") == 5.31)
    }

    @Test func openAIRateLimitIsRetriedAfterRetryAfter() throws {
        let server = try FixtureServer(
            scenario: Scenarios.openAI(pageSize: 31, faults: ["status_first": ["usage": [429, 500]]]))
        defer { server.stop() }
        let harness = try harness(server)
        let run = try harness.run("openai", "costs", ["date": "2025-11-16"])
        #expect(run.status == .success, "\(run.errorMessage ?? "")")
        #expect(server.requests.filter { $0.path == "/v1/organization/usage/completions" }.count == 3)
    }

    @Test func persistentServerErrorsFailAfterTheRetryBudget() throws {
        let server = try FixtureServer(
            scenario: Scenarios.openAI(faults: ["status_first": ["costs": [502, 502, 502]]]))
        defer { server.stop() }
        let harness = try harness(server)
        let run = try harness.run("openai", "costs", ["date": "2025-11-16"])
        #expect(run.status == .failed)
        #expect(
            run.errorMessage?.contains("OpenAI GET /v1/organization/costs: HTTP 502 (page 1, request-id req_fixture)")
                == true)
        #expect(server.requests.filter { $0.path == "/v1/organization/costs" }.count == 3)
    }
}
