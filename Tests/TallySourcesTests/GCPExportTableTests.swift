import Foundation
import TallyHTTP
import TallyWarehouse
import Testing

@testable import TallySources

/// `gcp/cost/billing-export` reading the export table in BigQuery (`billing_export_table`) as the tenant: the
/// local BigQuery peer holds the table, google-double.py is the tenant key's token endpoint, and the harness's
/// own warehouse (embedded) receives `focus_costs`.
@Suite struct GCPExportTableTests {
    static let window: [String: JSONValue] = ["start_date": "2025-11-14", "end_date": "2025-11-16", "trailing_days": 0]

    /// One export row; timestamps as BigQuery's RFC 3339 text, amounts as numbers.
    static func row(
        _ start: String, hours: Int = 1, service: (String, String), cost: Double, credits: [[String: Any]] = [],
        project: [String: Any]? = nil, labels: [[String: String]] = [], costType: String = "regular",
        exportTime: String? = nil
    ) -> [String: Any] {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let end = format.string(from: format.date(from: start)!.addingTimeInterval(Double(hours) * 3600))
        var row: [String: Any] = [
            "billing_account_id": "01A2B3-C4D5E6-F7A8B9", "service": ["id": service.0, "description": service.1],
            "sku": ["id": "0048-AA73-1F53", "description": "\(service.1) usage"], "usage_start_time": start,
            "usage_end_time": end, "labels": labels,
            "location": ["location": "us-central1", "country": "US", "region": "us-central1", "zone": "us-central1-a"],
            "export_time": exportTime ?? end, "cost": cost, "currency": "USD", "currency_conversion_rate": 1.0,
            "usage": ["amount": 3600.0, "unit": "seconds", "amount_in_pricing_units": 1.0, "pricing_unit": "hour"],
            "credits": credits, "invoice": ["month": "202511", "publisher_type": "Google"], "cost_type": costType,
            "cost_at_list": cost, "transaction_type": "GOOGLE",
            "consumption_model": ["id": "default", "description": "Default"],
        ]
        if let project { row["project"] = project }
        return row
    }

    static let compute = ("6F81-5844-456A", "Compute Engine")
    static let bigQuery = ("24E6-581D-38E5", "BigQuery")
    static var production: [String: Any] {
        [
            "id": "acme-prod", "number": "123456789012", "name": "Acme Production",
            "labels": [["key": "team", "value": "platform"]], "ancestry_numbers": "/100/",
        ]
    }

    /// In the window 2025-11-14…16: per day 1.25, 3.1 (a row twice, identical), 0.17. Outside it: a late row
    /// for the 10th (exported on the 16th) and a row starting exactly at midnight after the window.
    static var rows: [[String: Any]] {
        let twice = row(
            "2025-11-15T03:00:00.000Z", service: bigQuery, cost: 2.0,
            credits: [
                ["name": "Promotion", "amount": -0.5, "id": "promo-1", "type": "PROMOTION"],
                ["name": "Free tier", "amount": -0.1, "id": "free-1", "type": "FREE_TIER"],
            ], project: ["id": "acme-data", "number": "210987654321", "name": "Acme Data"])
        return [
            row(
                "2025-11-14T10:00:00.000Z", service: compute, cost: 1.5,
                credits: [
                    [
                        "name": "Sustained usage discount", "amount": -0.25, "full_name": "Sustained usage discount",
                        "id": "sud-1", "type": "SUSTAINED_USAGE_DISCOUNT",
                    ]
                ], project: production, labels: [["key": "app", "value": "api"]]),
            twice, twice,
            row("2025-11-15T00:00:00.000Z", hours: 24, service: ("2062-016F-44A2", "Support"), cost: 0.3),
            row("2025-11-16T00:00:00.000Z", service: compute, cost: 0.12, project: production, costType: "tax"),
            row("2025-11-16T23:59:59.500Z", service: ("152E-C115-5142", "Cloud Run"), cost: 0.05, project: production),
            row(
                "2025-11-10T05:00:00.000Z", service: compute, cost: 9.0, project: production,
                exportTime: "2025-11-16T09:00:00Z"),
            row("2025-11-17T00:00:00.000Z", service: compute, cost: 7.0, project: production),
        ]
    }

    /// A harness whose gcp credential is a service-account key (token endpoint: `tokens`) naming `table`.
    static func harness(bigQuery: String, tokens: GoogleTokenDouble, table: String) throws -> CostHarness {
        let harness = try CostHarness(environment: ["BIGQUERY_EMULATOR_HOST": bigQuery])
        try harness.addCredential(
            "gcp", value: try tokens.serviceAccountKey(project: "acme-billing"),
            settings: ["billing_export_table": .string(table), "billing_account_name": "Acme"])
        return harness
    }

    @Test func loadsTheExportTableIntoFocusAndReconciles() throws {
        let peer = try LocalBigQueryPeer.require()
        let tokens = try GoogleTokenDouble()
        let table = try ExportTableFixture(peer: peer, rows: Self.rows)
        let harness = try Self.harness(bigQuery: peer.baseURL, tokens: tokens, table: table.name)

        let run = try harness.run("gcp", "billing-export", Self.window)
        #expect(run.status == .success, "\(run.errorMessage ?? "")")
        #expect(try tokens.tokenRequests().count == 1, "one token per run, minted from the tenant's key")

        let daily = try harness.rows(
            """
            SELECT x_usage_date, ROUND(SUM(BilledCost), 6) AS net, COUNT(*) AS n FROM {t}.focus_costs
            WHERE x_source = 'gcp' GROUP BY x_usage_date ORDER BY x_usage_date
            """)
        #expect(daily.map { $0["x_usage_date"]?.stringValue ?? "" } == ["2025-11-14", "2025-11-15", "2025-11-16"])
        #expect(daily.map { $0["net"]?.doubleValue ?? 0 } == [1.25, 3.1, 0.17])
        #expect(daily.map { $0["n"]?.doubleValue ?? 0 } == [1, 3, 2])

        func row(_ condition: String) throws -> Row {
            try #require(try harness.rows("SELECT * FROM {t}.focus_costs WHERE \(condition)").first)
        }
        let compute = try row("x_usage_date = '2025-11-14'")
        #expect(compute["BilledCost"]?.doubleValue == 1.25)
        #expect(compute["ContractedCost"]?.doubleValue == 1.5)
        #expect(compute["SubAccountId"] == .string("acme-prod"))
        #expect(compute["SubAccountName"] == .string("Acme Production"))
        #expect(compute["Tags"] == .json(#"{"app":"api","project:team":"platform"}"#))
        #expect(compute["x_SourceEndpoint"] == .string("billing_export_table"))
        #expect(compute["BillingAccountName"] == .string("Acme"))
        #expect(compute["RegionId"] == .string("us-central1"))
        #expect(compute["x_ProjectNumber"] == .string("123456789012"))
        #expect(compute["ChargePeriodStart"]?.stringValue == "2025-11-14T10:00:00.000Z")
        #expect(compute["x_source_row_id"]?.stringValue?.hasPrefix("gcp:") == true)

        let twice = try harness.rows("SELECT * FROM {t}.focus_costs WHERE ServiceName = 'BigQuery'")
        #expect(twice.count == 2 && twice.allSatisfy { abs(($0["BilledCost"]?.doubleValue ?? 0) - 1.4) < 1e-9 })
        let ids = twice.compactMap { $0["x_source_row_id"]?.stringValue }.sorted()
        #expect(ids.count == 2 && ids[1] == ids[0] + ":2", "identical rows keep distinct ids: \(ids)")

        let support = try row("ServiceName = 'Support'")
        #expect(support["SubAccountId"] == .null && support["SubAccountName"] == .null)
        #expect(support["BilledCost"]?.doubleValue == 0.3)
        #expect(try row("x_CostType = 'tax'")["ChargeCategory"] == .string("Tax"))
        #expect(try row("ServiceName = 'Cloud Run'")["x_usage_date"] == .date("2025-11-16"))

        let checks = try harness.checks(of: run)
        for name in ["reconcile_daily_billed_cost", "billing_currency_iso", "usage_rows_have_sku"] {
            #expect(checks[name]?["status"] == .string("PASS"), "\(name): \(checks[name] ?? [:])")
        }

        // Row ids are content hashes, so a re-run replaces the window with identical rows.
        let focus = try harness.table("focus_costs")
        #expect(try harness.run("gcp", "billing-export", Self.window).status == .success)
        #expect(try harness.table("focus_costs") == focus)
    }

    /// The source alone, with pages of two rows and no server-side wait (`timeoutMs` 0), so every page after the
    /// first is a getQueryResults call and an unfinished query is polled.
    @Test func readsEveryPageOfTheWindow() throws {
        let peer = try LocalBigQueryPeer.require()
        let tokens = try GoogleTokenDouble()
        let table = try ExportTableFixture(peer: peer, rows: Self.rows)
        var connection = GCPExportTable.Connection(
            environment: ["BIGQUERY_EMULATOR_HOST": peer.baseURL], retry: CostHarness.retry)
        connection.paging = .init(pageSize: 2, wait: .zero, timeout: .seconds(60))
        let source = try GCPExportTable(
            table: table.name, serviceAccountKey: try tokens.serviceAccountKey(project: "acme-billing"),
            connection: connection)
        let window = try CostWindow(
            parameters: ["start_date": .date("2025-11-14"), "end_date": .date("2025-11-16"), "trailing_days": .int(0)],
            trailing: .previousMonth)
        let collected = Collected()
        try source.forEachRecord(in: window, workers: 2) { worker, record, day, id in
            #expect(worker == 0)  // pages are decoded one after the other
            collected.append((day.description, record.costText ?? "", id))
        }
        let seen = collected.rows
        #expect(seen.count == 6)
        #expect(Set(seen.map(\.id)).count == 6)
        #expect(
            seen.map(\.day).sorted() == [
                "2025-11-14", "2025-11-15", "2025-11-15", "2025-11-15", "2025-11-16", "2025-11-16",
            ])
        #expect(seen.map(\.cost).sorted() == ["0.05", "0.12", "0.3", "1.5", "2.0", "2.0"])
    }

    @Test func aBigQueryErrorFailsTheRunNamingTheTableAndKeepsFocusCosts() throws {
        let peer = try LocalBigQueryPeer.require()
        let tokens = try GoogleTokenDouble()
        let table = try ExportTableFixture(peer: peer, rows: Self.rows)
        let harness = try Self.harness(bigQuery: peer.baseURL, tokens: tokens, table: table.name)
        #expect(try harness.run("gcp", "billing-export", Self.window).status == .success)
        let focus = try harness.table("focus_costs")

        // The newest credential wins: it names a table that does not exist.
        let missing = "\(LocalBigQueryPeer.project).\(table.dataset).gcp_billing_export_v1_FFFFFF_FFFFFF_FFFFFF"
        try harness.addCredential(
            "gcp", value: try tokens.serviceAccountKey(project: "acme-billing"),
            settings: ["billing_export_table": .string(missing)])
        let run = try harness.run("gcp", "billing-export", Self.window)
        #expect(run.status == .failed)
        let message = run.errorMessage ?? ""
        #expect(message.contains("GCP billing export table \(missing): BigQuery HTTP 404 (notFound)"), "\(message)")
        #expect(!message.contains("PRIVATE KEY") && !message.contains("ya29."), "\(message)")
        #expect(try harness.table("focus_costs") == focus)
    }

    /// Needs no BigQuery peer: nothing listens where `BIGQUERY_EMULATOR_HOST` points.
    @Test func anUnreachableBigQueryFailsTheRunAndKeepsFocusCosts() throws {
        let tokens = try GoogleTokenDouble()
        let port = try #require(LocalBigQueryPeer.freePort())
        let harness = try CostHarness(environment: ["BIGQUERY_EMULATOR_HOST": "127.0.0.1:\(port)"])
        try harness.addCredential(
            "gcp", value: GCPPipelineTests.serviceAccount,
            settings: ["billing_export_file": .string(GCPPipelineTests.exportFile)])
        #expect(try harness.run("gcp", "billing-export", ["date": "2025-11-16"]).status == .success)
        let focus = try harness.table("focus_costs")

        try harness.addCredential(
            "gcp", value: try tokens.serviceAccountKey(project: "acme-billing"),
            settings: ["billing_export_table": .string("acme-billing.billing.\(ExportTableFixture.tableID)")])
        let run = try harness.run("gcp", "billing-export", ["date": "2025-11-16"])
        #expect(run.status == .failed)
        let message = run.errorMessage ?? ""
        #expect(
            message.contains(
                "GCP billing export table acme-billing.billing.\(ExportTableFixture.tableID): BigQuery unreachable"),
            "\(message)")
        #expect(!message.contains("PRIVATE KEY") && !message.contains("ya29."), "\(message)")
        #expect(try harness.table("focus_costs") == focus)
    }

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [(day: String, cost: String, id: String)] = []
        var rows: [(day: String, cost: String, id: String)] { lock.withLock { stored } }
        func append(_ row: (day: String, cost: String, id: String)) { lock.withLock { stored.append(row) } }
    }
}
