import TallyWarehouse

/// A pipeline template as written in `configs/{provider}/{domain}/{template}.yml`: one template, shared by
/// every tenant, run as `{tenant_id}-{provider}-{domain}-{template_name}`.
public struct PipelineTemplate: Sendable, Decodable {
    public var description: String?
    /// Values a run request may (or must) supply, besides `trigger_by`.
    public var parameters: [ParameterSpec]
    public var steps: [StepSpec]

    enum CodingKeys: String, CodingKey {
        case description, parameters, steps
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        parameters = try container.decodeIfPresent([ParameterSpec].self, forKey: .parameters) ?? []
        steps = try container.decode([StepSpec].self, forKey: .steps)
    }

    public init(description: String? = nil, parameters: [ParameterSpec], steps: [StepSpec]) {
        self.description = description
        self.parameters = parameters
        self.steps = steps
    }
}

/// A parameter a template declares; request values are validated against it and reach SQL only as
/// bound parameters (`@name`).
public struct ParameterSpec: Sendable, Decodable, Equatable {
    public enum Kind: String, Sendable, Decodable {
        case date, string, integer, boolean
    }

    public var name: String
    public var type: Kind
    public var required: Bool
    public var maxLength: Int?
    public var description: String?

    enum CodingKeys: String, CodingKey {
        case name, type, required, description
        case maxLength = "max_length"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(Kind.self, forKey: .type)
        required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? false
        maxLength = try container.decodeIfPresent(Int.self, forKey: .maxLength)
        description = try container.decodeIfPresent(String.self, forKey: .description)
    }

    public init(name: String, type: Kind, required: Bool = false, maxLength: Int? = nil) {
        self.name = name
        self.type = type
        self.required = required
        self.maxLength = maxLength
        self.description = nil
    }
}
