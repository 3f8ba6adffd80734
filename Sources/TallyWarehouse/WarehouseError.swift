/// Warehouse failures. Messages are safe to log; they never contain row data or parameter values.
public enum WarehouseError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidName(String)
    case datasetNotFound(String)
    case tableNotFound(String)
    /// `WRITE_EMPTY` into a table that has rows.
    case tableNotEmpty(String)
    /// A statement's `expectedRows` did not hold; nothing in its batch was applied.
    case conditionFailed(statementIndex: Int)
    /// The SQL did not compile or failed at run time (syntax, unknown column, constraint).
    case invalidQuery(String)
    /// A row or parameter does not fit the schema.
    case invalidValue(String)
    /// The warehouse could not be reached or is busy beyond the retry budget; the caller may retry.
    case unavailable(String)
    case io(String)

    public var description: String {
        switch self {
        case .invalidName(let name): "invalid identifier '\(name)'"
        case .datasetNotFound(let name): "dataset \(name) not found"
        case .tableNotFound(let name): "table \(name) not found"
        case .tableNotEmpty(let name): "table \(name) is not empty (WRITE_EMPTY)"
        case .conditionFailed(let index): "statement \(index) did not affect the expected rows"
        case .invalidQuery(let message): "query failed: \(message)"
        case .invalidValue(let message): "invalid value: \(message)"
        case .unavailable(let message): "warehouse unavailable: \(message)"
        case .io(let message): "warehouse I/O error: \(message)"
        }
    }
}
