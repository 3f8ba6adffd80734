import Foundation

/// A cell value or a bound query parameter.
///
/// Timestamps are UTC; dates are calendar days (`YYYY-MM-DD`). `json` carries nested data (BigQuery
/// RECORD/REPEATED fields, JSON columns) as JSON text.
public enum WarehouseValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case timestamp(Date)
    case date(String)
    case json(String)

    public var isNull: Bool { self == .null }

    public var stringValue: String? {
        switch self {
        case .string(let value), .date(let value), .json(let value): value
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .timestamp(let value): WarehouseTimestamp.format(value)
        case .null, .bytes: nil
        }
    }

    public var intValue: Int64? {
        switch self {
        case .int(let value): value
        case .double(let value): Int64(exactly: value.rounded()) ?? nil
        case .bool(let value): value ? 1 : 0
        case .string(let value): Int64(value)
        default: nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        case .string(let value): Double(value)
        default: nil
        }
    }

    public var boolValue: Bool? {
        switch self {
        case .bool(let value): value
        case .int(let value): value != 0
        case .string(let value): value == "true" || value == "1"
        default: nil
        }
    }

    public var bytesValue: [UInt8]? {
        if case .bytes(let value) = self { return value }
        return nil
    }

    /// Timestamps come back from SQLite as text, from BigQuery as microseconds; both read here.
    public var timestampValue: Date? {
        switch self {
        case .timestamp(let value): value
        case .string(let value): WarehouseTimestamp.parse(value)
        case .int(let micros): Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        default: nil
        }
    }
}

/// One row, by column name.
public typealias Row = [String: WarehouseValue]
