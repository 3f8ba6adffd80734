import Foundation
import TallyWarehouse

/// A check compiled to one SQL query plus the rule that judges its single result. Pure: compiling and
/// judging are tested without a warehouse.
public struct CheckPlan: Sendable {
    public var check: CheckSpec
    public var sql: String
    public var parameters: [String: WarehouseValue]

    /// Compiles `check` against `table` (already resolved to `dataset.table`). Column names were validated
    /// as identifiers when the template loaded, so they may appear in SQL text; values are always bound.
    public init(check: CheckSpec, table: String, dialect: SQLDialect) throws(TemplateError) {
        self.check = check
        var parameters: [String: WarehouseValue] = [:]
        let filter = check.filter.map { "(\($0))" }
        func whereClause(_ conditions: [String]) -> String {
            let all = conditions + (filter.map { [$0] } ?? [])
            return all.isEmpty ? "" : " WHERE " + all.joined(separator: " AND ")
        }
        let column = check.column ?? ""
        switch check.type {
        case .rowCount:
            sql = "SELECT COUNT(*) FROM \(table)\(whereClause([]))"
        case .notNull:
            sql = "SELECT COUNT(*) FROM \(table)\(whereClause(["\(column) IS NULL"]))"
        case .unique:
            let columns = (check.columns ?? [column]).joined(separator: ", ")
            sql =
                "SELECT COUNT(*) FROM (SELECT \(columns) FROM \(table)\(whereClause([])) "
                + "GROUP BY \(columns) HAVING COUNT(*) > 1) AS duplicates"
        case .acceptedValues:
            let names = (check.values ?? []).indices.map { "__dq_value_\($0)" }
            for (name, value) in zip(names, check.values ?? []) { parameters[name] = .string(value) }
            let list = names.map { "@\($0)" }.joined(separator: ", ")
            sql = "SELECT COUNT(*) FROM \(table)\(whereClause(["\(column) IS NOT NULL", "\(column) NOT IN (\(list))"]))"
        case .range:
            var outside: [String] = []
            if let min = check.min {
                parameters["__dq_min"] = .double(min)
                outside.append("\(column) < @__dq_min")
            }
            if let max = check.max {
                parameters["__dq_max"] = .double(max)
                outside.append("\(column) > @__dq_max")
            }
            sql = "SELECT COUNT(*) FROM \(table)\(whereClause(["(" + outside.joined(separator: " OR ") + ")"]))"
        case .freshness:
            sql = "SELECT MAX(\(column)) FROM \(table)\(whereClause([]))"
        case .customSQL:
            guard let text = check.sql?.text(for: dialect) else {
                throw .invalid("custom_sql check '\(check.displayName)' has no SQL for \(dialect.rawValue)")
            }
            sql = text
        }
        self.parameters = parameters
    }

    /// Judges the query's single result. `reference` is the instant freshness is measured from.
    public func evaluate(_ observed: WarehouseValue?, reference: Date) -> CheckOutcome {
        switch check.type {
        case .rowCount:
            let count = observed?.doubleValue ?? 0
            let comparison = check.comparison ?? .greater
            let expected = check.value ?? 0
            return CheckOutcome(
                passed: comparison.holds(count, expected), observed: Self.number(count),
                expected: "\(comparison.rawValue) \(Self.number(expected))")
        case .notNull, .unique, .acceptedValues, .range, .customSQL:
            let offending = observed?.doubleValue ?? 0
            return CheckOutcome(passed: offending == 0, observed: Self.number(offending), expected: "0 offending rows")
        case .freshness:
            let maxAge = (check.maxAgeHours ?? 24) * 3600
            guard let newest = observed?.timestampValue ?? observed?.stringValue.flatMap(Self.day) else {
                return CheckOutcome(passed: false, observed: "no rows", expected: "within \(maxAge / 3600) h")
            }
            let age = reference.timeIntervalSince(newest)
            return CheckOutcome(
                passed: age <= maxAge, observed: WarehouseTimestamp.format(newest),
                expected: "newer than \(WarehouseTimestamp.format(reference.addingTimeInterval(-maxAge)))")
        }
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// A `DATE` column's newest value counts as the end of that day.
    private static func day(_ text: String) -> Date? {
        WarehouseTimestamp.parse(text + "T23:59:59Z")
    }
}

/// What a check found.
public struct CheckOutcome: Sendable, Equatable {
    public var passed: Bool
    public var observed: String
    public var expected: String
}
