import TallyHTTPClient
import TallyPipelines
import TallyWarehouse

/// `openai_completions_usage`: `GET /v1/organization/usage/completions` by project, model, batch and service
/// tier. Token counts only (no money): they fill the usage table, never cost rows.
public struct OpenAIUsageExtractor: SourceExtractor {
    public static let path = "/v1/organization/usage/completions"
    /// The endpoint's maximum page size for day buckets.
    static let pageLimit = 31
    let api: ProviderAPI

    public init(api: ProviderAPI) {
        self.api = api
    }

    public var name: String { "openai_completions_usage" }
    public var provider: String? { "openai" }

    public static let tableSchema = TableSchema(
        fields: RawRows.periodFields + [
            .init(name: "organization_id", type: .string, mode: .required),
            .init(name: "project_id", type: .string),
            .init(name: "model", type: .string),
            .init(name: "batch", type: .bool),
            .init(name: "service_tier", type: .string),
            .init(name: "api_key_id", type: .string),
            .init(name: "input_tokens", type: .int64, mode: .required, description: "includes cached tokens"),
            .init(name: "input_cached_tokens", type: .int64),
            .init(name: "input_cache_write_tokens", type: .int64),
            .init(name: "output_tokens", type: .int64, mode: .required),
            .init(name: "input_audio_tokens", type: .int64),
            .init(name: "output_audio_tokens", type: .int64),
            .init(name: "num_model_requests", type: .int64, mode: .required),
        ] + RawRows.trailerFields,
        description: "OpenAI /v1/organization/usage/completions results, one row per bucket and grouping.")

    public var schema: TableSchema? { Self.tableSchema }

    public func extract(_ request: ExtractRequest, into sink: ExtractSink) throws {
        let openAI = try OpenAIAPI(api: api, request: request)
        var ordinal: Int64 = 0
        try openAI.forEachPage(
            OpenAICompletionsResult.self, path: Self.path, groupBy: ["project_id", "model", "batch", "service_tier"],
            limit: Self.pageLimit
        ) { buckets in
            let rows = ResultBucket.rows(buckets, ordinal: &ordinal) { row($0, $1, openAI.organizationID) }
            try sink.emit(RowBatch(columns: Self.tableSchema.columnNames, rows: rows))
        }
    }

    func row(
        _ usage: OpenAICompletionsResult, _ bucket: ResultBucket<OpenAICompletionsResult>, _ organization: String
    ) -> Row {
        let key = RawRows.key(
            "openai",
            [
                organization, String(Int64(bucket.start.timeIntervalSince1970)), usage.projectID, usage.model,
                usage.batch.map { $0 ? "batch" : "sync" }, usage.serviceTier, usage.apiKeyID,
            ])
        return [
            "organization_id": .string(organization), "project_id": RawRows.text(usage.projectID),
            "model": RawRows.text(usage.model), "batch": usage.batch.map { .bool($0) } ?? .null,
            "service_tier": RawRows.text(usage.serviceTier), "api_key_id": RawRows.text(usage.apiKeyID),
            "input_tokens": .int(usage.inputTokens), "input_cached_tokens": RawRows.integer(usage.inputCachedTokens),
            "input_cache_write_tokens": RawRows.integer(usage.inputCacheWriteTokens),
            "output_tokens": .int(usage.outputTokens), "input_audio_tokens": RawRows.integer(usage.inputAudioTokens),
            "output_audio_tokens": RawRows.integer(usage.outputAudioTokens),
            "num_model_requests": .int(usage.numModelRequests), "x_source_row_id": .string(key),
        ]
    }
}
