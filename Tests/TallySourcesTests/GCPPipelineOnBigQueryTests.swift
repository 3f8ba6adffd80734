import Foundation
import TallyGoogleAuth
import TallyHTTP
import TallyHTTPClient
import TallyWarehouse
import Testing

/// `gcp/cost/billing-export` with the BigQuery warehouse (the local peer): the FOCUS rows written through
/// `Warehouse.insert(RowBatch)` (load jobs), the staged outputs promoted, and the template's BigQuery-dialect
/// checks evaluated there.
@Suite struct GCPPipelineOnBigQueryTests {
    /// The peer ignores tokens.
    final class FixedToken: TokenSource {
        func token() throws(GoogleAuthError) -> AccessToken {
            AccessToken(value: "test-token", expiresAt: .now.advanced(by: .seconds(3600)))
        }
        func invalidate(_ token: AccessToken) {}
    }

    @Test func loadsTheExportAndReconcilesOnBigQuery() throws {
        let peer = try LocalBigQueryPeer.require()
        var options = BigQueryWarehouse.Options()
        options.jobTimeout = .seconds(60)
        options.queryWait = .seconds(2)
        options.conflictAttempts = 40
        let warehouse = BigQueryWarehouse(
            project: LocalBigQueryPeer.project, location: "US", baseURL: peer.baseURL, tokens: FixedToken(),
            client: HTTPClient(configuration: BigQueryWarehouse.httpConfiguration), options: options)
        let tenant = "acme_\(UInt32.random(in: 0...UInt32.max))"
        let harness = try CostHarness(tenant: tenant, warehouse: warehouse)
        defer { try? warehouse.deleteDataset(tenant) }
        try harness.addCredential(
            "gcp", value: GCPPipelineTests.serviceAccount,
            settings: ["billing_export_file": .string(GCPPipelineTests.exportFile)])

        let run = try harness.run("gcp", "billing-export", ["date": .string("2025-11-16")])
        #expect(run.status == .success, "\(run.errorMessage ?? "")")
        #expect(try harness.total("SELECT COUNT(*) FROM {t}.focus_costs") == 12)
        let daily = try harness.rows(
            """
            SELECT CAST(x_usage_date AS STRING) AS day, SUM(BilledCost) AS net FROM {t}.focus_costs
            GROUP BY day ORDER BY day
            """)
        #expect(daily.map { $0["day"]?.stringValue ?? "" } == GCPPipelineTests.dailyNet.keys.sorted())
        for row in daily {
            let expected = GCPPipelineTests.dailyNet[row["day"]?.stringValue ?? ""] ?? .nan
            #expect(abs((row["net"]?.doubleValue ?? 0) - expected) < 0.0000005, "\(row)")
        }
        let checks = try harness.checks(of: run)
        for name in ["reconcile_daily_billed_cost", "billing_currency_iso", "accepted_values(ChargeCategory)"] {
            #expect(checks[name]?["status"] == .string("PASS"), "\(name): \(checks[name] ?? [:])")
        }
    }
}
