/// A table's typed schema, in BigQuery's vocabulary (which the SQLite warehouse maps onto its types).
/// Decodable from the YAML schema files in `configs/schemas/`.
public struct TableSchema: Sendable, Hashable, Codable {
    public var fields: [Field]
    /// Optional description kept with the schema file.
    public var description: String?

    public init(fields: [Field], description: String? = nil) {
        self.fields = fields
        self.description = description
    }

    public func field(named name: String) -> Field? {
        fields.first { $0.name == name }
    }

    /// One column. RECORD fields have sub-fields; REPEATED fields hold arrays.
    public struct Field: Sendable, Hashable, Codable {
        public var name: String
        public var type: FieldType
        public var mode: FieldMode
        public var fields: [Field]?
        public var description: String?

        public init(
            name: String, type: FieldType, mode: FieldMode = .nullable, fields: [Field]? = nil,
            description: String? = nil
        ) {
            self.name = name
            self.type = type
            self.mode = mode
            self.fields = fields
            self.description = description
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            type = try container.decode(FieldType.self, forKey: .type)
            mode = try container.decodeIfPresent(FieldMode.self, forKey: .mode) ?? .nullable
            fields = try container.decodeIfPresent([Field].self, forKey: .fields)
            description = try container.decodeIfPresent(String.self, forKey: .description)
        }
    }
}

/// Column types (BigQuery standard SQL names).
public enum FieldType: String, Sendable, Hashable, Codable, CaseIterable {
    case string = "STRING"
    case bytes = "BYTES"
    case int64 = "INT64"
    case float64 = "FLOAT64"
    case numeric = "NUMERIC"
    case bool = "BOOL"
    case timestamp = "TIMESTAMP"
    case date = "DATE"
    case json = "JSON"
    case record = "RECORD"
}

/// Column modes (BigQuery's names).
public enum FieldMode: String, Sendable, Hashable, Codable {
    case nullable = "NULLABLE"
    case required = "REQUIRED"
    case repeated = "REPEATED"
}

extension TableSchema {
    /// The top-level column names, in order.
    public var columnNames: [String] { fields.map(\.name) }
}
