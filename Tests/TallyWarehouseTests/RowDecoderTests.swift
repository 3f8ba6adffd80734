import Foundation
import TallyWarehouse
import Testing

@Suite struct RowDecoderTests {
    static let schema = TableSchema(fields: [
        .init(name: "billing_account_id", type: .string, mode: .required),
        .init(
            name: "service", type: .record,
            fields: [.init(name: "id", type: .string), .init(name: "description", type: .string)]),
        .init(
            name: "sku", type: .record,
            fields: [.init(name: "id", type: .string), .init(name: "description", type: .string)]),
        .init(name: "usage_start_time", type: .timestamp, mode: .required),
        .init(name: "usage_end_time", type: .timestamp),
        .init(name: "project", type: .record),
        .init(name: "labels", type: .record, mode: .repeated),
        .init(name: "cost", type: .float64),
        .init(name: "currency", type: .string),
        .init(name: "usage_amount_in_pricing_units", type: .int64),
        .init(name: "price", type: .numeric),
        .init(name: "credits", type: .record, mode: .repeated),
        .init(name: "invoice_month", type: .date),
        .init(name: "is_preemptible", type: .bool),
        .init(name: "cost_type", type: .string),
    ])

    /// Shaped like a GCP billing export row: nested records, label arrays, negative credits, BigQuery's timestamp
    /// text, INT64/NUMERIC as strings, and keys the schema does not know about.
    static let line = #"""
        {"billing_account_id":"01A2B3-C4D5E6-F7A8B9","service":{"id":"6F81-5844-456A","description":"Compute Engine"},\#
        "sku":{"description":"N2 Instance Core running in Americas","id":"2A4C-2C6A-3A53"},\#
        "usage_start_time":"2025-11-15 10:00:00 UTC","usage_end_time":"2025-11-15 11:00:00.5 UTC",\#
        "project":{"id":"acme-prod","number":"123456789012","name":"acme prod",\#
        "labels":[{"key":"env","value":"prod"},{"key":"team","value":"core"}],"ancestry_numbers":"/1/2/"},\#
        "labels":[{"value":"web","key":"app"}],"system_labels":[{"key":"compute.googleapis.com/cores","value":"4"}],\#
        "location":{"location":"us-central1","country":"US","region":"us-central1","zone":"us-central1-a"},\#
        "export_time":"2025-11-15 14:05:07.123456 UTC","cost":1.234567,"currency":"USD",\#
        "currency_conversion_rate":1.0,"usage":{"amount":3600,"unit":"seconds","amount_in_pricing_units":1.0},\#
        "usage_amount_in_pricing_units":"42","price":"0.031611",\#
        "credits":[{"name":"Sustained usage discount","amount":-0.123456,"full_name":null,"id":"","type":"SUSTAINED_USAGE_DISCOUNT"},\#
        {"name":"Free tier","amount":-1e-3,"type":"FREE_TIER"}],\#
        "invoice_month":"2025-11-01","cost_type":"regular","is_preemptible":false,\#
        "tags":[{"key":"k","value":"v","inherited":true,"namespace":"123"}],"adjustment_info":null,\#
        "resource":{"name":"vm-1","global_name":"//compute.googleapis.com/projects/acme-prod/zones/x/instances/1"}}
        """#

    @Test func decodesABillingExportLine() throws {
        let row = try RowDecoder(schema: Self.schema).decode(line: Data(Self.line.utf8))
        #expect(Set(row.keys) == Set(Self.schema.fields.map(\.name)), "unknown keys are dropped")
        #expect(row["billing_account_id"] == .string("01A2B3-C4D5E6-F7A8B9"))
        #expect(row["service"] == .json(#"{"description":"Compute Engine","id":"6F81-5844-456A"}"#))
        #expect(row["sku"] == .json(#"{"description":"N2 Instance Core running in Americas","id":"2A4C-2C6A-3A53"}"#))
        #expect(row["usage_start_time"] == .timestamp(Date(timeIntervalSince1970: 1_763_200_800)))
        #expect(row["usage_end_time"] == .timestamp(Date(timeIntervalSince1970: 1_763_204_400.5)))
        #expect(
            row["project"]
                == .json(
                    #"{"ancestry_numbers":"/1/2/","id":"acme-prod","labels":[{"key":"env","value":"prod"},{"key":"team","value":"core"}],"name":"acme prod","number":"123456789012"}"#
                ))
        #expect(row["labels"] == .json(#"[{"key":"app","value":"web"}]"#))
        #expect(row["cost"] == .double(1.234567))
        #expect(row["currency"] == .string("USD"))
        #expect(row["usage_amount_in_pricing_units"] == .int(42))
        #expect(row["price"] == .double(0.031611))
        #expect(
            row["credits"]
                == .json(
                    #"[{"amount":-0.123456,"full_name":null,"id":"","name":"Sustained usage discount","type":"SUSTAINED_USAGE_DISCOUNT"},{"amount":-1e-3,"name":"Free tier","type":"FREE_TIER"}]"#
                ))
        #expect(row["invoice_month"] == .date("2025-11-01"))
        #expect(row["is_preemptible"] == .bool(false))
        #expect(row["cost_type"] == .string("regular"))
    }

    @Test func missingAndNullFields() throws {
        let decoder = RowDecoder(schema: Self.schema)
        let minimal = try decoder.decode(
            line: Array(#"{"billing_account_id":"x","usage_start_time":"2025-11-15T10:00:00Z","cost":null}"#.utf8))
        #expect(minimal.count == Self.schema.fields.count)
        #expect(minimal["cost"] == .null)
        #expect(minimal["credits"] == .null)
        for line in [
            #"{"usage_start_time":"2025-11-15T10:00:00Z"}"#,
            #"{"billing_account_id":null,"usage_start_time":"2025-11-15T10:00:00Z"}"#,
        ] {
            #expect(throws: WarehouseError.invalidValue("field billing_account_id is REQUIRED")) {
                try decoder.decode(line: Array(line.utf8))
            }
        }
    }

    @Test func errorsNameTheFieldNotTheData() throws {
        let decoder = RowDecoder(schema: Self.schema)
        let cases = [
            (#"{"billing_account_id":"x","usage_start_time":"not-a-time-SECRET"}"#, "usage_start_time"),
            (#"{"billing_account_id":"x","usage_start_time":"2025-11-15T10:00:00Z","cost":"SECRET"}"#, "cost"),
            (
                #"{"billing_account_id":"x","usage_start_time":"2025-11-15T10:00:00Z","credits":{"a":"SECRET"}}"#,
                "credits"
            ),
            (
                #"{"billing_account_id":"x","usage_start_time":"2025-11-15T10:00:00Z","usage_amount_in_pricing_units":1.5}"#,
                "usage_amount_in_pricing_units"
            ),
            (#"{"billing_account_id":"SECRET","usage_start_time":"2025-11-15T10:00:00Z""#, "malformed"),
            (#"{"billing_account_id":"SECRET"} trailing"#, "malformed"),
        ]
        for (line, mention) in cases {
            do {
                _ = try decoder.decode(line: Array(line.utf8))
                Issue.record("no error for \(mention)")
            } catch {
                #expect(String(describing: error).contains(mention))
                #expect(!String(describing: error).contains("SECRET"))
            }
        }
    }

    @Test func escapesAndUnicodeSurviveReserialization() throws {
        let schema = TableSchema(fields: [.init(name: "name", type: .string), .init(name: "meta", type: .json)])
        let row = try RowDecoder(schema: schema).decode(
            line: Array(
                #"{"na\u006de":"caf\u00e9 \ud83c\udf0d \"q\"\n","meta":{"z":"tab\there","a":[true,null,1.50]}}"#.utf8))
        #expect(row["name"] == .string("café 🌍 \"q\"\n"))
        #expect(row["meta"] == .json(#"{"a":[true,null,1.50],"z":"tab\there"}"#))
    }

    @Test func decodedRowsLoadIntoTheWarehouse() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("billing"), schema: Self.schema)
        let row = try RowDecoder(schema: Self.schema).decode(line: Array(Self.line.utf8))
        try warehouse.insertRows([row], into: table("billing"), options: JobOptions())
        let stored = try #require(try warehouse.query("SELECT * FROM acme.billing", in: "acme").rows.first)
        #expect(stored == row)
        let credit = try warehouse.query(
            "SELECT SUM(json_extract(c.value, '$.amount')) AS credits FROM acme.billing, json_each(billing.credits) AS c",
            in: "acme")
        #expect(credit.scalar == .double(-0.124456))
    }

    @Test func numbersKeepTheirPrecision() throws {
        let schema = TableSchema(fields: [
            .init(name: "big", type: .int64), .init(name: "exp", type: .int64), .init(name: "neg", type: .int64),
            .init(name: "amount", type: .numeric), .init(name: "text", type: .string),
        ])
        let row = try RowDecoder(schema: schema).decode(
            line: #"{"big":"1234567890123456789","exp":1e3,"neg":-42,"amount":"-0.000123","text":12.50}"#.utf8)
        #expect(row["big"] == .int(1_234_567_890_123_456_789))
        #expect(row["exp"] == .int(1000))
        #expect(row["neg"] == .int(-42))
        #expect(row["amount"] == .double(-0.000123))
        #expect(row["text"] == .string("12.50"))
        #expect(throws: WarehouseError.invalidValue("field big expects INT64")) {
            try RowDecoder(schema: schema).decode(line: Array(#"{"big":1e30}"#.utf8))
        }
    }
}
