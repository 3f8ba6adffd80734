/// One time bucket of an Anthropic Admin API usage or cost report (a `CursorPage` element); times are RFC 3339.
struct AnthropicBucket<Result: Decodable>: Decodable {
    var startingAt: String
    var endingAt: String
    var results: [Captured<Result>]

    enum CodingKeys: String, CodingKey {
        case results
        case startingAt = "starting_at"
        case endingAt = "ending_at"
    }
}

/// A cost report result. `amount` is a decimal string in cents (`"4187.5"` = $41.875).
struct AnthropicCostResult: Decodable {
    var amount: String
    var currency: String
    var costType: String?
    var description: String?
    var model: String?
    var serviceTier: String?
    var tokenType: String?
    var contextWindow: String?
    var workspaceID: String?
    var inferenceGeo: String?

    enum CodingKeys: String, CodingKey {
        case amount, currency, description, model
        case costType = "cost_type"
        case serviceTier = "service_tier"
        case tokenType = "token_type"
        case contextWindow = "context_window"
        case workspaceID = "workspace_id"
        case inferenceGeo = "inference_geo"
    }
}

/// A messages usage report result: token counts per grouping, no money.
struct AnthropicUsageResult: Decodable {
    struct CacheCreation: Decodable {
        var ephemeral1h: Int64?
        var ephemeral5m: Int64?

        enum CodingKeys: String, CodingKey {
            case ephemeral1h = "ephemeral_1h_input_tokens"
            case ephemeral5m = "ephemeral_5m_input_tokens"
        }
    }

    struct ServerToolUse: Decodable {
        var webSearchRequests: Int64?

        enum CodingKeys: String, CodingKey {
            case webSearchRequests = "web_search_requests"
        }
    }

    var uncachedInputTokens: Int64?
    var cacheCreation: CacheCreation?
    var cacheReadInputTokens: Int64?
    var outputTokens: Int64?
    var serverToolUse: ServerToolUse?
    var apiKeyID: String?
    var workspaceID: String?
    var model: String?
    var serviceTier: String?
    var contextWindow: String?
    var inferenceGeo: String?

    enum CodingKeys: String, CodingKey {
        case model
        case uncachedInputTokens = "uncached_input_tokens"
        case cacheCreation = "cache_creation"
        case cacheReadInputTokens = "cache_read_input_tokens"
        case outputTokens = "output_tokens"
        case serverToolUse = "server_tool_use"
        case apiKeyID = "api_key_id"
        case workspaceID = "workspace_id"
        case serviceTier = "service_tier"
        case contextWindow = "context_window"
        case inferenceGeo = "inference_geo"
    }
}

/// `GET /v1/organizations/me`: the organization the admin key belongs to.
struct AnthropicOrganization: Decodable {
    var id: String
    var name: String?
}
