import TallyWarehouse

/// A run with its step logs and data-quality results, as `GET /api/v1/pipelines/runs/{id}` returns it.
public struct RunDetails: Sendable, Encodable {
    public var run: PipelineRun
    public var steps: [Row]
    public var dataQuality: [Row]

    enum CodingKeys: String, CodingKey {
        case steps
        case dataQuality = "dq_results"
    }

    public func encode(to encoder: any Encoder) throws {
        try run.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(steps.map(RowJSON.init), forKey: .steps)
        try container.encode(dataQuality.map(RowJSON.init), forKey: .dataQuality)
    }
}

/// Encodes a warehouse row as a JSON object (timestamps in the warehouse's text form).
struct RowJSON: Encodable {
    var row: Row

    init(_ row: Row) {
        self.row = row
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        for (name, value) in row.sorted(by: { $0.key < $1.key }) where name != "pipeline_logging_id" {
            let key = AnyKey(name)
            switch value {
            case .null, .bytes: try container.encodeNil(forKey: key)
            case .bool(let flag): try container.encode(flag, forKey: key)
            case .int(let number): try container.encode(number, forKey: key)
            case .double(let number): try container.encode(number, forKey: key)
            default: try container.encode(value.stringValue ?? "", forKey: key)
            }
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
