import Foundation
import TallyHTTP
import TallyWarehouse

/// Values every raw cost table carries besides the provider's own fields.
enum RawRows {
    /// A natural key as readable text: `source:part:part…`, null parts as `~`, with `%`, `:` and `~` escaped
    /// so distinct keys never collide. Null grouping values are part of the key (reference trap 22).
    static func key(_ source: String, _ parts: [String?]) -> String {
        ([source]
            + parts.map { part in
                guard let part else { return "~" }
                return part.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: ":", with: "%3A")
                    .replacingOccurrences(of: "~", with: "%7E")
            }).joined(separator: ":")
    }

    /// The bucket's days and the UTC calendar month around its start (the billing period LLM providers
    /// invoice by: `[first day 00:00Z, next month 00:00Z)`).
    static func period(start: Date, end: Date) -> Row {
        let day = UTCDay(containing: start)
        return [
            "x_usage_date": .date(day.description), "bucket_start_time": .timestamp(start),
            "bucket_end_time": .timestamp(end), "x_billing_period_start": .timestamp(day.firstOfMonth.start),
            "x_billing_period_end": .timestamp(day.firstOfNextMonth.start),
        ]
    }

    /// The provider's original result, re-serialized with sorted keys, so fields Tally does not map survive.
    static func json(_ value: JSONValue) -> WarehouseValue {
        guard let bytes = try? JSONCoding.encode(value) else { return .null }
        return .json(String(decoding: bytes, as: UTF8.self))
    }

    static func text(_ value: String?) -> WarehouseValue {
        value.map { .string($0) } ?? .null
    }

    static func integer(_ value: Int64?) -> WarehouseValue {
        value.map { .int($0) } ?? .null
    }

    /// The columns shared by the LLM raw tables, in schema order.
    static let periodFields: [TableSchema.Field] = [
        .init(name: "x_usage_date", type: .date, mode: .required, description: "UTC day of the bucket start"),
        .init(name: "bucket_start_time", type: .timestamp, mode: .required),
        .init(name: "bucket_end_time", type: .timestamp, mode: .required),
        .init(name: "x_billing_period_start", type: .timestamp, mode: .required),
        .init(name: "x_billing_period_end", type: .timestamp, mode: .required),
    ]

    static let trailerFields: [TableSchema.Field] = [
        .init(name: "x_source_row_id", type: .string, mode: .required, description: "natural key"),
        .init(name: "x_ordinal", type: .int64, mode: .required, description: "position in the extraction"),
        .init(name: "x_raw", type: .json, description: "the provider's result object"),
    ]
}
