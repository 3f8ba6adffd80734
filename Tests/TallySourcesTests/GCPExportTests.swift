import Foundation
import TallyHTTP
import TallyPipelines
import TallyWarehouse
import Testing

/// The GCP export's delivery quirks: rows that arrive late, re-runs, schema growth, settings and bad files.
@Suite struct GCPExportTests {
    /// A copy of the fixture export the test may append to, as the export does over time.
    func exportCopy(_ harness: CostHarness, without marker: String? = nil) throws -> String {
        let lines = try String(contentsOfFile: GCPPipelineTests.exportFile, encoding: .utf8)
            .split(separator: "\n").filter { line in marker.map { !line.contains($0) } ?? true }
        let path = harness.home + "/export.ndjson"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func harness(file: (CostHarness) throws -> String) throws -> (CostHarness, String) {
        let harness = try CostHarness()
        let path = try file(harness)
        try harness.addCredential(
            "gcp", value: GCPPipelineTests.serviceAccount, settings: ["billing_export_file": .string(path)])
        return (harness, path)
    }

    @Test func lateRowsArePickedUpByTheTrailingWindow() throws {
        let lateMarker = "2025-11-17 09:00:00 UTC"
        let (harness, path) = try harness { try exportCopy($0, without: lateMarker) }
        #expect(
            try harness.run("gcp", "billing-export", ["date": "2025-11-14", "trailing_days": 0]).status == .success)
        let day = "SELECT ROUND(SUM(BilledCost), 6) FROM {t}.focus_costs WHERE x_usage_date = '2025-11-14'"
        #expect(try harness.total(day) == 0.1)

        // Three days later the export gains a row for the 14th; the run for the 16th re-pulls the 14th.
        let late = try String(contentsOfFile: GCPPipelineTests.exportFile, encoding: .utf8)
            .split(separator: "\n").first { $0.contains(lateMarker) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((String(try #require(late)) + "\n").utf8))
        try handle.close()
        let run = try harness.run("gcp", "billing-export", ["date": "2025-11-16"])
        #expect(run.status == .success, "\(run.errorMessage ?? "")")
        #expect(try harness.total(day) == 0.17)
        #expect(try harness.total("SELECT COUNT(*) FROM {t}.focus_costs WHERE x_usage_date = '2025-11-14'") == 3)
    }

    @Test func runTwiceLeavesIdenticalTables() throws {
        let (harness, _) = try harness { try exportCopy($0) }
        let body: [String: JSONValue] = ["start_date": "2025-11-01", "end_date": "2025-11-16"]
        #expect(try harness.run("gcp", "billing-export", body).status == .success)
        let focus = try harness.table("focus_costs")
        let totals = try harness.table("cost_source_totals", orderBy: "x_usage_date, currency, invoice_month")
        #expect(try harness.run("gcp", "billing-export", body).status == .success)
        #expect(try harness.table("focus_costs") == focus)
        #expect(try harness.table("cost_source_totals", orderBy: "x_usage_date, currency, invoice_month") == totals)
        #expect(focus.count == 12)
    }

    @Test func tableSettingNeedsAUsableServiceAccountKey() throws {
        let harness = try CostHarness()
        try harness.addCredential(
            "gcp", value: GCPPipelineTests.serviceAccount,
            settings: ["billing_export_table": "acme-billing.billing.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9"])
        let run = try harness.run("gcp", "billing-export", ["date": "2025-11-16"])
        #expect(run.status == .failed)
        let message = run.errorMessage ?? ""
        #expect(message.contains("GCP credential: invalid Google credentials: the service-account key lacks field"))
        #expect(!message.contains("MIIfixture"), "\(message)")
    }

    @Test func aMalformedLineFailsTheRunNamingTheLine() throws {
        let (harness, _) = try harness { harness in
            let path = harness.home + "/broken.ndjson"
            let good = try String(contentsOfFile: GCPPipelineTests.exportFile, encoding: .utf8)
                .split(separator: "\n")[0]
            try "\(good)\n{\"cost\": 1.0, \"usage_start_time\": \n".write(
                toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let run = try harness.run("gcp", "billing-export", ["date": "2025-11-16"])
        #expect(run.status == .failed)
        let message = run.errorMessage ?? ""
        #expect(
            message.contains("GCP billing export line 2:") && message.contains("malformed JSON at byte"), "\(message)")
        #expect(try !harness.tableExists("focus_costs"))
    }

    @Test func aMissingFileIsNamedWithoutItsDirectory() throws {
        let (harness, path) = try harness { try exportCopy($0) }
        try FileManager.default.removeItem(atPath: path)
        let run = try harness.run("gcp", "billing-export", ["date": "2025-11-16"])
        #expect(run.errorMessage?.contains("GCP billing export: cannot open export.ndjson") == true)
        #expect(run.errorMessage?.contains(harness.home) == false)
    }
}
