import TallyWarehouse

/// One step of a template. Steps run in dependency order; each kind uses its own fields.
public struct StepSpec: Sendable, Decodable {
    public enum Kind: String, Sendable, Decodable {
        /// SQL whose result is written to `destination` with `write_disposition`.
        case query
        /// Rows from a newline-delimited JSON file, typed by a schema file, written to `destination`.
        case load
        /// Checks on `table`; an `error` check that fails fails the run.
        case dataQuality = "data_quality"
        /// Rows from a provider (`source:` names a `SourceExtractor`), written to `destination`.
        case extract
    }

    public var id: String
    public var type: Kind
    public var dependsOn: [String]
    public var sql: SQLText?
    public var destination: String?
    public var writeDisposition: WriteDisposition
    /// Restricts a `WRITE_TRUNCATE` to one partition: rows whose `column` equals the parameter are replaced,
    /// the others kept, as BigQuery does with a partition decorator.
    public var partition: PartitionSpec?
    /// Restricts a write to the rows matching this predicate (template SQL, may use `@parameters`): they
    /// are deleted and replaced, every other row is kept. This is how a run replaces exactly one source's
    /// rows for its dates in a table several sources share.
    public var replace: String?
    /// For load steps: the file, relative to the configs directory. For extract steps: the extractor.
    public var source: String?
    /// For load steps: the schema file, relative to the configs directory. Query steps may name one too: their
    /// destination is then created with exactly that schema (types, modes, column order) instead of one
    /// inferred from the query's result, and the query fills the columns it selects by name.
    public var schema: String?
    /// For extract steps: the destination of each of the extractor's auxiliary outputs (output name → table).
    /// The step's `replace` predicate applies to them too, so they hold the same source's rows for the same
    /// days as the destination.
    public var outputs: [String: String]
    /// For data-quality steps: the table checked.
    public var table: String?
    public var checks: [CheckSpec]

    enum CodingKeys: String, CodingKey {
        case id, type, sql, destination, partition, replace, source, schema, outputs, table, checks
        case dependsOn = "depends_on"
        case writeDisposition = "write_disposition"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        type = try container.decode(Kind.self, forKey: .type)
        dependsOn = try container.decodeIfPresent([String].self, forKey: .dependsOn) ?? []
        sql = try container.decodeIfPresent(SQLText.self, forKey: .sql)
        destination = try container.decodeIfPresent(String.self, forKey: .destination)
        writeDisposition = try container.decodeIfPresent(WriteDisposition.self, forKey: .writeDisposition) ?? .truncate
        partition = try container.decodeIfPresent(PartitionSpec.self, forKey: .partition)
        replace = try container.decodeIfPresent(String.self, forKey: .replace)
        source = try container.decodeIfPresent(String.self, forKey: .source)
        schema = try container.decodeIfPresent(String.self, forKey: .schema)
        outputs = try container.decodeIfPresent([String: String].self, forKey: .outputs) ?? [:]
        table = try container.decodeIfPresent(String.self, forKey: .table)
        checks = try container.decodeIfPresent([CheckSpec].self, forKey: .checks) ?? []
    }

    public init(
        id: String, type: Kind, dependsOn: [String] = [], sql: SQLText? = nil, destination: String? = nil,
        writeDisposition: WriteDisposition = .truncate, partition: PartitionSpec? = nil, replace: String? = nil,
        source: String? = nil,
        schema: String? = nil, outputs: [String: String] = [:], table: String? = nil, checks: [CheckSpec] = []
    ) {
        self.id = id
        self.type = type
        self.dependsOn = dependsOn
        self.sql = sql
        self.destination = destination
        self.writeDisposition = writeDisposition
        self.partition = partition
        self.replace = replace
        self.source = source
        self.schema = schema
        self.outputs = outputs
        self.table = table
        self.checks = checks
    }
}

/// The partition a step replaces: rows whose `column` equals the run parameter `parameter`.
public struct PartitionSpec: Sendable, Decodable, Equatable {
    public var column: String
    public var parameter: String

    public init(column: String, parameter: String) {
        self.column = column
        self.parameter = parameter
    }
}

/// SQL given once for every engine, or per dialect (`sqlite:` / `bigquery:`) where they differ.
public struct SQLText: Sendable, Decodable, Equatable {
    public var shared: String?
    public var perDialect: [SQLDialect: String]

    public init(_ sql: String) {
        shared = sql
        perDialect = [:]
    }

    public init(perDialect: [SQLDialect: String]) {
        shared = nil
        self.perDialect = perDialect
    }

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self.init(text)
            return
        }
        let byName = try decoder.singleValueContainer().decode([String: String].self)
        var perDialect: [SQLDialect: String] = [:]
        for (name, sql) in byName {
            guard let dialect = SQLDialect(rawValue: name) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "unknown SQL dialect '\(name)'"))
            }
            perDialect[dialect] = sql
        }
        self.init(perDialect: perDialect)
    }

    /// The SQL for `dialect`, or nil when the template has none for it.
    public func text(for dialect: SQLDialect) -> String? {
        perDialect[dialect] ?? shared
    }
}
