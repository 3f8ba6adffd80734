import Foundation

/// One time bucket of an OpenAI organization Usage or Costs page (a `CursorPage` element); times are Unix
/// seconds.
struct OpenAIBucket<Result: Decodable>: Decodable {
    var startTime: Int64
    var endTime: Int64
    var results: [Captured<Result>]

    enum CodingKeys: String, CodingKey {
        case results
        case startTime = "start_time"
        case endTime = "end_time"
    }
}

/// An `organization.costs.result`: dollars (`amount.value`, a number in major units) per grouping.
struct OpenAICostResult: Decodable {
    struct Amount: Decodable {
        var value: Decimal
        var currency: String
    }

    var amount: Amount
    var lineItem: String?
    var projectID: String?
    var apiKeyID: String?
    var quantity: Decimal?
    var quantityUnit: String?

    enum CodingKeys: String, CodingKey {
        case amount, quantity
        case lineItem = "line_item"
        case projectID = "project_id"
        case apiKeyID = "api_key_id"
        case quantityUnit = "quantity_unit"
    }
}

/// An `organization.usage.completions.result`: token counts, no money.
struct OpenAICompletionsResult: Decodable {
    var inputTokens: Int64
    var outputTokens: Int64
    var numModelRequests: Int64
    var inputCachedTokens: Int64?
    var inputCacheWriteTokens: Int64?
    var inputAudioTokens: Int64?
    var outputAudioTokens: Int64?
    var projectID: String?
    var apiKeyID: String?
    var model: String?
    var batch: Bool?
    var serviceTier: String?

    enum CodingKeys: String, CodingKey {
        case model, batch
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case numModelRequests = "num_model_requests"
        case inputCachedTokens = "input_cached_tokens"
        case inputCacheWriteTokens = "input_cache_write_tokens"
        case inputAudioTokens = "input_audio_tokens"
        case outputAudioTokens = "output_audio_tokens"
        case projectID = "project_id"
        case apiKeyID = "api_key_id"
        case serviceTier = "service_tier"
    }
}
