import Foundation
import TallyWarehouse
import Testing

@testable import TallySources

/// The export table's name, query window and row ids, without a server.
@Suite struct GCPExportTableQueryTests {
    @Test func parsesTheTableName() throws {
        let query = try GCPExportTableQuery("acme-billing.billing.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9")
        #expect(query.project == "acme-billing" && query.dataset == "billing")
        #expect(query.sql.contains("FROM `acme-billing.billing.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9` AS t"))
    }

    @Test(arguments: [
        "billing.table", "a.b.c.d", "p.d.t`; DROP TABLE x; --", "p.d.t u", "p.d-s.t", "p..t", "p.d.t\\", "p.d.tábla",
    ])
    func refusesNamesThatCouldLeaveTheQuotes(_ name: String) {
        #expect(throws: SourceError.self) { try GCPExportTableQuery(name) }
    }

    @Test func windowsOnWholeUTCDaysHalfOpen() throws {
        let window = try CostWindow(
            parameters: ["start_date": .date("2025-11-14"), "end_date": .date("2025-11-16"), "trailing_days": .int(0)],
            trailing: .previousMonth)
        let parameters = try GCPExportTableQuery("p.d.t").parameters(for: window)
        #expect(parameters["usage_from"] == .timestamp(Date(timeIntervalSince1970: 1_763_078_400)))
        #expect(parameters["usage_until"] == .timestamp(Date(timeIntervalSince1970: 1_763_337_600)))
    }

    @Test func rowIDsAreContentHashesWithCopiesNumbered() {
        var ids = GCPExportRowIDs()
        let row = Array(#"{"cost":1.5}"#.utf8)[...]
        let first = ids.id(for: row)
        #expect(first.hasPrefix("gcp:") && first.count == 20)
        #expect(ids.id(for: Array(#"{"cost":1.6}"#.utf8)[...]) != first)
        #expect(ids.id(for: row) == first + ":2")
        #expect(ids.id(for: row) == first + ":3")
        var again = GCPExportRowIDs()
        #expect(again.id(for: row) == first)
    }
}
