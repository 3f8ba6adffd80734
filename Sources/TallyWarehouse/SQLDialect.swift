/// The SQL dialects templates may provide. A template may give one SQL text for all engines, or one per
/// dialect where they differ (nested fields, date functions).
public enum SQLDialect: String, Sendable, Codable, CaseIterable {
    case sqlite
    case bigquery
}
