/// A DML statement with bound parameters, optionally required to affect an exact number of rows.
public struct SQLStatement: Sendable, Hashable {
    public var sql: String
    public var parameters: [String: WarehouseValue]
    /// When set, the batch it belongs to is rolled back unless this statement affects exactly this many rows.
    public var expectedRows: Int?

    public init(_ sql: String, parameters: [String: WarehouseValue] = [:], expectedRows: Int? = nil) {
        self.sql = sql
        self.parameters = parameters
        self.expectedRows = expectedRows
    }
}

/// Per-job settings: labels attribute warehouse spend to a tenant, pipeline and run.
public struct JobOptions: Sendable, Hashable {
    public var labels: [String: String]
    /// Refuse queries that would bill more than this many bytes (BigQuery); nil uses the configured default.
    public var maximumBytesBilled: Int64?

    public init(labels: [String: String] = [:], maximumBytesBilled: Int64? = nil) {
        self.labels = labels
        self.maximumBytesBilled = maximumBytesBilled
    }
}

/// The rows a query returned, with its column names in order.
public struct QueryResult: Sendable {
    public var columns: [String]
    public var rows: [Row]

    public init(columns: [String], rows: [Row]) {
        self.columns = columns
        self.rows = rows
    }

    /// The first column of the first row, for `SELECT COUNT(*)`-style queries.
    public var scalar: WarehouseValue? {
        guard let first = rows.first, let column = columns.first else { return nil }
        return first[column]
    }
}
