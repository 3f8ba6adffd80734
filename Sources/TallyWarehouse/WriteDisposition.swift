/// What a query-to-table write does with rows already in the destination (BigQuery's names).
public enum WriteDisposition: String, Sendable, Codable, CaseIterable {
    case truncate = "WRITE_TRUNCATE"
    case append = "WRITE_APPEND"
    case empty = "WRITE_EMPTY"
}
