import TallyWarehouse

/// The GCP standard usage cost export, as far as Tally reads it: every documented field, the newer ones
/// included (`subscription`, `consumption_model`, `tags`, `project.ancestors`, `price`, `resource`). A file
/// from an older export simply lacks some: they read as null. Fields Google adds later are skipped until
/// listed here. Records and repeated records are kept whole as JSON text.
enum GCPExportSchema {
    static let keyValue: [TableSchema.Field] = [string("key"), string("value")]

    static let exportFields: [TableSchema.Field] = [
        string("billing_account_id"),
        record("invoice", [string("month"), string("publisher_type")]),
        string("cost_type"),
        record("service", [string("id"), string("description")]),
        record("sku", [string("id"), string("description")]),
        .init(name: "usage_start_time", type: .timestamp),
        .init(name: "usage_end_time", type: .timestamp),
        record(
            "project",
            [
                string("id"), string("number"), string("name"), repeated("labels", keyValue),
                string("ancestry_numbers"), repeated("ancestors", [string("resource_name"), string("display_name")]),
            ]),
        repeated("labels", keyValue),
        repeated("system_labels", keyValue),
        record("location", [string("location"), string("country"), string("region"), string("zone")]),
        repeated(
            "tags", [string("key"), string("value"), .init(name: "inherited", type: .bool), string("namespace")]),
        .init(name: "export_time", type: .timestamp),
        .init(name: "cost", type: .float64),
        string("currency"),
        .init(name: "currency_conversion_rate", type: .float64),
        record(
            "usage",
            [
                .init(name: "amount", type: .float64), string("unit"),
                .init(name: "amount_in_pricing_units", type: .float64), string("pricing_unit"),
            ]),
        repeated(
            "credits",
            [
                string("name"), .init(name: "amount", type: .float64), string("full_name"), string("id"),
                string("type"),
            ]),
        record("adjustment_info", [string("id"), string("description"), string("mode"), string("type")]),
        .init(name: "cost_at_list", type: .float64),
        string("transaction_type"),
        string("seller_name"),
        record("subscription", [string("instance_id")]),
        record("consumption_model", [string("id"), string("description")]),
        .init(name: "cost_at_effective_price_default", type: .float64),
        record("resource", [string("name"), string("global_name")]),
        record(
            "price",
            [
                .init(name: "effective_price", type: .numeric), .init(name: "tier_start_amount", type: .numeric),
                string("unit"), .init(name: "pricing_unit_quantity", type: .numeric),
            ]),
    ]

    /// Columns Tally derives while extracting: the usage day the run windows on, the invoice month's UTC
    /// bounds (FOCUS billing period), the usage's Pacific month (to spot corrections of invoiced months), the
    /// account's display name (not in the export), and a row id (file line and content hash; the export has no
    /// natural key).
    static let derivedFields: [TableSchema.Field] = [
        .init(name: "x_usage_date", type: .date, mode: .required, description: "UTC day of usage_start_time"),
        .init(name: "x_billing_period_start", type: .timestamp, mode: .required),
        .init(name: "x_billing_period_end", type: .timestamp, mode: .required),
        string("x_usage_month", "YYYYMM of usage_start_time in America/Los_Angeles"),
        string("x_billing_account_name", "the credential's billing_account_name setting"),
        .init(name: "x_source_row_id", type: .string, mode: .required),
    ]

    static let table = TableSchema(
        fields: exportFields + derivedFields,
        description: "GCP standard usage cost export rows of the loaded window, with Tally's derived x_ columns.")

    private static func string(_ name: String, _ description: String? = nil) -> TableSchema.Field {
        .init(name: name, type: .string, description: description)
    }

    private static func record(_ name: String, _ fields: [TableSchema.Field]) -> TableSchema.Field {
        .init(name: name, type: .record, fields: fields)
    }

    private static func repeated(_ name: String, _ fields: [TableSchema.Field]) -> TableSchema.Field {
        .init(name: name, type: .record, mode: .repeated, fields: fields)
    }
}
