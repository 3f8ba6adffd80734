import Foundation
import TallyHTTP
import TallyPipelines
import TallyWarehouse
import Testing

/// `gcp/cost/billing-export` end to end on the embedded warehouse: the export file named by the credential →
/// FOCUS rows in `focus_costs` and the export's own totals in `cost_source_totals` → reconciliation, through
/// the real runner.
@Suite struct GCPPipelineTests {
    static let exportFile = CostHarness.fixtures + "/gcp/billing_export.ndjson"
    /// Net cost (cost + credits) per usage day of the fixture, in the default window of a run for 2025-11-16.
    static let dailyNet = [
        "2025-10-20": -0.75, "2025-10-31": 0.18, "2025-11-14": 0.172194, "2025-11-15": 2.99826,
        "2025-11-16": 0.012496,
    ]
    static let serviceAccount = """
        {"type": "service_account", "client_email": "tally@acme.iam.gserviceaccount.com",
         "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIfixture\\n-----END PRIVATE KEY-----\\n",
         "token_uri": "https://oauth2.googleapis.com/token"}
        """

    func harness(settings: [String: JSONValue] = ["billing_export_file": .string(exportFile)]) throws -> CostHarness {
        let harness = try CostHarness()
        try harness.addCredential("gcp", value: Self.serviceAccount, settings: settings)
        return harness
    }

    @Test func loadsExportIntoFocusAndReconciles() throws {
        let harness = try harness()
        let run = try harness.run("gcp", "billing-export", ["date": .string("2025-11-16")])
        #expect(run.status == .success, "\(run.errorMessage ?? "")")

        let window = try #require(try harness.rows("SELECT * FROM {t}.cost_windows WHERE source = 'gcp'").first)
        #expect(window["window_start"] == .date("2025-10-01"))
        #expect(window["window_end"] == .date("2025-11-16"))

        let daily = try harness.rows(
            """
            SELECT x_usage_date, ROUND(SUM(BilledCost), 6) AS net FROM {t}.focus_costs
            WHERE x_source = 'gcp' GROUP BY x_usage_date ORDER BY x_usage_date
            """)
        #expect(daily.map { $0["x_usage_date"]?.stringValue ?? "" } == Self.dailyNet.keys.sorted())
        for row in daily {
            let expected = Self.dailyNet[row["x_usage_date"]?.stringValue ?? ""] ?? .nan
            #expect(abs((row["net"]?.doubleValue ?? 0) - expected) < 0.0000005, "\(row)")
        }
        #expect(try harness.total("SELECT COUNT(*) FROM {t}.focus_costs") == 12)
        #expect(try harness.total("SELECT SUM(row_count) FROM {t}.cost_source_totals WHERE x_source = 'gcp'") == 12)
        let totals = try harness.rows(
            "SELECT x_usage_date, SUM(total) AS total FROM {t}.cost_source_totals GROUP BY x_usage_date ORDER BY 1")
        for row in totals {
            let expected = Self.dailyNet[row["x_usage_date"]?.stringValue ?? ""] ?? .nan
            #expect(abs((row["total"]?.doubleValue ?? 0) - expected) < 0.0000005, "\(row)")
        }
        let checks = try harness.checks(of: run)
        #expect(checks["reconcile_daily_billed_cost"]?["status"] == .string("PASS"))
        #expect(checks["billing_currency_iso"]?["status"] == .string("PASS"))
    }

    @Test func mapsCreditsTaxesAdjustmentsAndLabels() throws {
        let harness = try harness()
        let run = try harness.run("gcp", "billing-export", ["date": .string("2025-11-16")])
        #expect(run.status == .success, "\(run.errorMessage ?? "")")
        func row(_ condition: String) throws -> Row {
            try #require(try harness.rows("SELECT * FROM {t}.focus_costs WHERE \(condition)").first)
        }

        // Credits are negative and netted: BilledCost = cost + credits, never cost - credits.
        let cud = try row("CommitmentDiscountId IS NOT NULL")
        #expect(abs((cud["BilledCost"]?.doubleValue ?? 0) - 0.14) < 1e-9)
        #expect(cud["ContractedCost"]?.doubleValue == 0.5)
        #expect(cud["PricingCategory"] == .string("Committed"))
        #expect(cud["CommitmentDiscountCategory"] == .string("Usage"))
        #expect(cud["CommitmentDiscountStatus"] == .string("Used"))
        #expect(
            cud["Tags"]
                == .json(#"{"project:env":"prod","project:team":"platform","tag:123456789/cost-center":"cc-42"}"#))

        let labelled = try row("json_extract(Tags, '$.app') = 'api'")
        #expect(
            labelled["Tags"]
                == .json(
                    #"{"app":"api","canary":true,"project:env":"prod","project:team":"platform","#
                        + #""system:compute.googleapis.com/machine_spec":"n2-standard-4"}"#))
        #expect(labelled["ChargeCategory"] == .string("Usage"))
        #expect(labelled["SubAccountId"] == .string("acme-prod"))
        #expect(labelled["SubAccountName"] == .string("Acme Production"))
        #expect(labelled["PricingUnit"] == .string("Hours"))
        #expect(labelled["ConsumedUnit"] == .string("Seconds"))
        #expect(labelled["RegionId"] == .string("us-central1"))
        #expect(labelled["RegionName"] == .string("Iowa"))
        #expect(labelled["AvailabilityZone"] == .string("us-central1-a"))
        #expect(labelled["ServiceCategory"] == .string("Compute"))
        #expect(labelled["x_ServiceId"] == .string("6F81-5844-456A"))

        let tax = try row("x_CostType = 'tax'")
        #expect(tax["ChargeCategory"] == .string("Tax"))
        #expect(tax["SkuId"] == .null && tax["PricingQuantity"] == .null && tax["ListUnitPrice"] == .null)

        let support = try row("ServiceName = 'Support'")
        #expect(support["SubAccountId"] == .null && support["SubAccountName"] == .null)
        #expect(support["SubAccountType"] == .null)

        #expect(try row("x_CostType = 'rounding error'")["ChargeCategory"] == .string("Adjustment"))
        let sameMonth = try row("x_CostType = 'adjustment' AND x_usage_date = '2025-11-15'")
        #expect(sameMonth["ChargeClass"] == .null)
        let correction = try row("x_CostType = 'adjustment' AND x_usage_date = '2025-10-20'")
        #expect(correction["ChargeClass"] == .string("Correction"))

        // Invoice months are Pacific: November starts 07:00Z (PDT), December 08:00Z (PST).
        let lateOctober = try row("x_usage_date = '2025-10-31'")
        #expect(lateOctober["x_InvoiceMonth"] == .string("202511"))
        #expect(lateOctober["BillingPeriodStart"]?.stringValue == "2025-11-01T07:00:00.000Z")
        #expect(lateOctober["BillingPeriodEnd"]?.stringValue == "2025-12-01T08:00:00.000Z")
        let late = try row("ServiceName = 'Cloud Run' AND x_usage_date = '2025-11-14'")
        #expect(late["x_ExportTime"]?.stringValue == "2025-11-17T09:00:00.000Z")

        // A row from a newer export shape: unknown keys skipped, missing ones null (ListCost falls back to cost).
        let shape = try row("SubAccountId = 'acme-dev'")
        #expect(shape["ListCost"]?.doubleValue == 0.0125)
        #expect(shape["Tags"] == .null)
        #expect(shape["SkuPriceId"] == .string("C8F2-1A4B-9D3F:0"))
    }
}

/// The reconciliation check itself: it must find what it exists to find. The mapping and the totals come from
/// the same records, so a mismatch cannot be produced through a run; the published tables are altered instead
/// and the template's check SQL is run on them as the run would.
@Suite struct GCPReconciliationCheckTests {
    func offendingGroups(_ harness: CostHarness, check name: String = "reconcile_daily_billed_cost") throws -> Int64? {
        let template = try TemplateCatalog(root: CostHarness.configs)
            .template(atRelativePath: "gcp/cost/billing-export.yml")
        let checks = try #require(template.steps.first { $0.type == .dataQuality }?.checks)
        let check = try #require(checks.first { $0.name == name })
        let sql = try #require(check.sql?.text(for: .sqlite))
        let resolved = try TemplateVariables.substitute(sql, ["tenant_id": harness.tenant])
        return try harness.warehouse.query(resolved, in: harness.tenant).scalar?.intValue
    }

    /// A tenant whose run of 2025-11-16 from the export file succeeded.
    func loadedHarness() throws -> CostHarness {
        let harness = try CostHarness()
        try harness.addCredential(
            "gcp", value: GCPPipelineTests.serviceAccount,
            settings: ["billing_export_file": .string(GCPPipelineTests.exportFile)])
        #expect(try harness.run("gcp", "billing-export", ["date": .string("2025-11-16")]).status == .success)
        return harness
    }

    @Test func mismatchedCostsAndMissingRowsAreCounted() throws {
        let harness = try loadedHarness()
        #expect(try offendingGroups(harness) == 0)

        // One cent off on one row: its (day, currency) group no longer matches.
        try harness.warehouse.execute(
            """
            UPDATE acme.focus_costs SET BilledCost = BilledCost + 0.01
            WHERE x_source_row_id = (SELECT MIN(x_source_row_id) FROM acme.focus_costs)
            """, in: harness.tenant)
        #expect(try offendingGroups(harness) == 1)
        try harness.warehouse.execute(
            """
            UPDATE acme.focus_costs SET BilledCost = BilledCost - 0.01
            WHERE x_source_row_id = (SELECT MIN(x_source_row_id) FROM acme.focus_costs)
            """, in: harness.tenant)
        #expect(try offendingGroups(harness) == 0)

        // A zero-cost row missing: the money still adds up, the row count does not.
        try harness.warehouse.execute(
            """
            INSERT INTO acme.focus_costs SELECT * FROM acme.focus_costs
            WHERE x_source_row_id = (SELECT MIN(x_source_row_id) FROM acme.focus_costs)
            """, in: harness.tenant)
        try harness.warehouse.execute(
            """
            UPDATE acme.focus_costs SET BilledCost = 0
            WHERE rowid = (SELECT MAX(rowid) FROM acme.focus_costs)
            """, in: harness.tenant)
        #expect(try offendingGroups(harness) == 1)
    }

    /// Currencies must be three upper-case letters: lower case, a symbol and a wrong length are each counted.
    @Test func currenciesThatAreNotISOCodesAreCounted() throws {
        let harness = try loadedHarness()
        #expect(try offendingGroups(harness, check: "billing_currency_iso") == 0)
        for (offset, code) in ["Usd", "U$D", "USDT"].enumerated() {
            try harness.warehouse.execute(
                """
                UPDATE acme.focus_costs SET BillingCurrency = '\(code)'
                WHERE x_source_row_id = (SELECT x_source_row_id FROM acme.focus_costs ORDER BY x_source_row_id
                LIMIT 1 OFFSET \(offset))
                """, in: harness.tenant)
        }
        #expect(try offendingGroups(harness, check: "billing_currency_iso") == 3)
    }
}
