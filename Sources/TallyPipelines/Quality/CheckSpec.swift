/// A data-quality check as a template declares it.
public struct CheckSpec: Sendable, Decodable, Equatable {
    public enum Kind: String, Sendable, Decodable, CaseIterable {
        case rowCount = "row_count"
        case notNull = "not_null"
        case unique
        case acceptedValues = "accepted_values"
        case range
        case freshness
        /// SQL that returns one number: the count of offending rows (0 passes).
        case customSQL = "custom_sql"
    }

    /// `error` fails the run; `warn` is only recorded.
    public enum Severity: String, Sendable, Decodable {
        case error, warn
    }

    public var type: Kind
    public var name: String?
    public var column: String?
    public var columns: [String]?
    public var comparison: Comparison?
    public var value: Double?
    public var values: [String]?
    public var min: Double?
    public var max: Double?
    public var maxAgeHours: Double?
    /// Freshness is measured against the run's date parameter when given (for backfills), else the clock.
    public var referenceParameter: String?
    public var sql: SQLText?
    /// An extra filter (template-authored SQL, may use `@parameters`), e.g. `usage_date = @date`.
    public var filter: String?
    public var severity: Severity

    enum CodingKeys: String, CodingKey {
        case type, name, column, columns, value, values, min, max, sql, severity
        case comparison = "operator"
        case maxAgeHours = "max_age_hours"
        case referenceParameter = "reference_parameter"
        case filter = "where"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(Kind.self, forKey: .type)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        column = try container.decodeIfPresent(String.self, forKey: .column)
        columns = try container.decodeIfPresent([String].self, forKey: .columns)
        comparison = try container.decodeIfPresent(Comparison.self, forKey: .comparison)
        value = try container.decodeIfPresent(Double.self, forKey: .value)
        values = try container.decodeIfPresent([String].self, forKey: .values)
        min = try container.decodeIfPresent(Double.self, forKey: .min)
        max = try container.decodeIfPresent(Double.self, forKey: .max)
        maxAgeHours = try container.decodeIfPresent(Double.self, forKey: .maxAgeHours)
        referenceParameter = try container.decodeIfPresent(String.self, forKey: .referenceParameter)
        sql = try container.decodeIfPresent(SQLText.self, forKey: .sql)
        filter = try container.decodeIfPresent(String.self, forKey: .filter)
        severity = try container.decodeIfPresent(Severity.self, forKey: .severity) ?? .error
    }

    public init(type: Kind, column: String? = nil, severity: Severity = .error) {
        self.type = type
        self.column = column
        self.severity = severity
    }

    /// The name recorded in `dq_results`.
    public var displayName: String {
        if let name { return name }
        let subject = column ?? columns?.joined(separator: "+")
        return subject.map { "\(type.rawValue)(\($0))" } ?? type.rawValue
    }
}

/// A comparison operator for `row_count`.
public enum Comparison: String, Sendable, Decodable, Equatable {
    case equal = "=="
    case notEqual = "!="
    case greater = ">"
    case greaterOrEqual = ">="
    case less = "<"
    case lessOrEqual = "<="

    public func holds(_ left: Double, _ right: Double) -> Bool {
        switch self {
        case .equal: left == right
        case .notEqual: left != right
        case .greater: left > right
        case .greaterOrEqual: left >= right
        case .less: left < right
        case .lessOrEqual: left <= right
        }
    }
}
