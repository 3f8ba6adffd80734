import TallyHTTPClient
import TallyPipelines
import TallyWarehouse

/// `anthropic_messages_usage`: `GET /v1/organizations/usage_report/messages` grouped by workspace, model,
/// service tier, context window and inference geo. Token counts only: they fill the usage table and give the
/// cost rows their PricingQuantity, never cost rows of their own.
public struct AnthropicUsageExtractor: SourceExtractor {
    public static let path = "/v1/organizations/usage_report/messages"
    let api: ProviderAPI

    public init(api: ProviderAPI) {
        self.api = api
    }

    public var name: String { "anthropic_messages_usage" }
    public var provider: String? { "anthropic" }

    public static let tableSchema = TableSchema(
        fields: RawRows.periodFields + [
            .init(name: "organization_id", type: .string, mode: .required),
            .init(name: "workspace_id", type: .string, description: "null for the default workspace"),
            .init(name: "api_key_id", type: .string),
            .init(name: "model", type: .string),
            .init(name: "service_tier", type: .string),
            .init(name: "context_window", type: .string),
            .init(name: "inference_geo", type: .string),
            .init(name: "uncached_input_tokens", type: .int64),
            .init(name: "cache_creation_1h_input_tokens", type: .int64),
            .init(name: "cache_creation_5m_input_tokens", type: .int64),
            .init(name: "cache_read_input_tokens", type: .int64),
            .init(name: "output_tokens", type: .int64),
            .init(name: "web_search_requests", type: .int64),
        ] + RawRows.trailerFields,
        description: "Anthropic /v1/organizations/usage_report/messages results, one row per bucket and grouping.")

    public var schema: TableSchema? { Self.tableSchema }

    public func extract(_ request: ExtractRequest, into sink: ExtractSink) throws {
        let anthropic = try AnthropicAPI(api: api, request: request)
        var ordinal: Int64 = 0
        try anthropic.forEachPage(
            AnthropicUsageResult.self, path: Self.path,
            groupBy: ["workspace_id", "model", "service_tier", "context_window", "inference_geo"]
        ) { buckets in
            let rows = ResultBucket.rows(buckets, ordinal: &ordinal) { row($0, $1, anthropic.organization.id) }
            try sink.emit(RowBatch(columns: Self.tableSchema.columnNames, rows: rows))
        }
    }

    func row(_ usage: AnthropicUsageResult, _ bucket: ResultBucket<AnthropicUsageResult>, _ organization: String) -> Row
    {
        let key = RawRows.key(
            "anthropic",
            [
                organization, bucket.day.description, usage.workspaceID, usage.apiKeyID, usage.model,
                usage.serviceTier, usage.contextWindow, usage.inferenceGeo,
            ])
        return [
            "organization_id": .string(organization), "workspace_id": RawRows.text(usage.workspaceID),
            "api_key_id": RawRows.text(usage.apiKeyID), "model": RawRows.text(usage.model),
            "service_tier": RawRows.text(usage.serviceTier), "context_window": RawRows.text(usage.contextWindow),
            "inference_geo": RawRows.text(usage.inferenceGeo),
            "uncached_input_tokens": RawRows.integer(usage.uncachedInputTokens),
            "cache_creation_1h_input_tokens": RawRows.integer(usage.cacheCreation?.ephemeral1h),
            "cache_creation_5m_input_tokens": RawRows.integer(usage.cacheCreation?.ephemeral5m),
            "cache_read_input_tokens": RawRows.integer(usage.cacheReadInputTokens),
            "output_tokens": RawRows.integer(usage.outputTokens),
            "web_search_requests": RawRows.integer(usage.serverToolUse?.webSearchRequests),
            "x_source_row_id": .string(key),
        ]
    }
}
