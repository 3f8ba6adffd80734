import Foundation
import TallyHTTPClient

/// A GCP standard usage cost export table in the local BigQuery peer, made through the REST API directly
/// (datasets.insert, tables.insert, tabledata.insertAll), independently of the code under test. The schema
/// is the export's, nested records and repeated fields included, plus `consumption_model`, a column newer
/// than the decoder, which must be skipped.
struct ExportTableFixture {
    static let tableID = "gcp_billing_export_v1_0A1B2C_3D4E5F_6A7B8C"
    static let http = HTTPClient(configuration: .init(connectTimeout: .seconds(5), timeout: .seconds(60)))

    let peer: LocalBigQueryPeer
    let dataset = "billing_\(UInt32.random(in: 0...UInt32.max))"

    /// `billing_export_table`'s value for this table.
    var name: String { "\(LocalBigQueryPeer.project).\(dataset).\(Self.tableID)" }

    init(peer: LocalBigQueryPeer, rows: [[String: Any]]) throws {
        self.peer = peer
        let project = LocalBigQueryPeer.project
        try post("datasets", ["datasetReference": ["projectId": project, "datasetId": dataset]])
        try post(
            "datasets/\(dataset)/tables",
            [
                "tableReference": ["projectId": project, "datasetId": dataset, "tableId": Self.tableID],
                "schema": ["fields": Self.schema],
            ])
        try post(
            "datasets/\(dataset)/tables/\(Self.tableID)/insertAll",
            ["rows": rows.map { ["json": $0] }])
    }

    private func post(_ path: String, _ body: [String: Any]) throws {
        let url = "\(peer.baseURL)/bigquery/v2/projects/\(LocalBigQueryPeer.project)/\(path)"
        let response = try Self.http.execute(
            HTTPClientRequest(
                method: "POST", url: url, headers: [("Content-Type", "application/json")],
                body: Array(try JSONSerialization.data(withJSONObject: body))))
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200, !text.contains("insertErrors") else {
            throw FixtureServer.StartError(description: "POST \(path): \(response.status) \(text)")
        }
    }

    private static func field(_ name: String, _ type: String = "STRING", mode: String = "NULLABLE") -> [String: Any] {
        ["name": name, "type": type, "mode": mode]
    }

    private static func record(_ name: String, repeated: Bool = false, _ fields: [[String: Any]]) -> [String: Any] {
        ["name": name, "type": "RECORD", "mode": repeated ? "REPEATED" : "NULLABLE", "fields": fields]
    }

    private static var keyValue: [[String: Any]] { [field("key"), field("value")] }

    static var schema: [[String: Any]] {
        [
            field("billing_account_id"),
            record("service", [field("id"), field("description")]),
            record("sku", [field("id"), field("description")]),
            field("usage_start_time", "TIMESTAMP"),
            field("usage_end_time", "TIMESTAMP"),
            record(
                "project",
                [
                    field("id"), field("number"), field("name"), record("labels", repeated: true, keyValue),
                    field("ancestry_numbers"),
                ]),
            record("labels", repeated: true, keyValue),
            record("system_labels", repeated: true, keyValue),
            record("location", [field("location"), field("country"), field("region"), field("zone")]),
            record(
                "tags", repeated: true,
                [field("key"), field("value"), field("inherited", "BOOLEAN"), field("namespace")]),
            field("export_time", "TIMESTAMP"),
            field("cost", "FLOAT"),
            field("currency"),
            field("currency_conversion_rate", "FLOAT"),
            record(
                "usage",
                [
                    field("amount", "FLOAT"), field("unit"), field("amount_in_pricing_units", "FLOAT"),
                    field("pricing_unit"),
                ]),
            record(
                "credits", repeated: true,
                [field("name"), field("amount", "FLOAT"), field("full_name"), field("id"), field("type")]),
            record("invoice", [field("month"), field("publisher_type")]),
            field("cost_type"),
            record("adjustment_info", [field("id"), field("description"), field("mode"), field("type")]),
            field("cost_at_list", "FLOAT"),
            field("transaction_type"),
            record("consumption_model", [field("id"), field("description")]),
        ]
    }
}
