import TallyHTTPClient
import TallyPipelines
import TallyWarehouse

/// `anthropic_cost_report`: `GET /v1/organizations/cost_report` grouped by workspace and description (which
/// fills model, token type, service tier and context window), one raw row per result.
///
/// `amount` arrives in cents as a decimal string: it is kept verbatim (`amount_cents`) and converted to dollars
/// by an exact decimal division (`amount_usd`), never through `Double`.
public struct AnthropicCostReportExtractor: SourceExtractor {
    public static let path = "/v1/organizations/cost_report"
    let api: ProviderAPI

    public init(api: ProviderAPI) {
        self.api = api
    }

    public var name: String { "anthropic_cost_report" }
    public var provider: String? { "anthropic" }

    public static let tableSchema = TableSchema(
        fields: RawRows.periodFields + [
            .init(name: "organization_id", type: .string, mode: .required),
            .init(name: "organization_name", type: .string),
            .init(name: "workspace_id", type: .string, description: "null for the default workspace"),
            .init(name: "description", type: .string),
            .init(name: "cost_type", type: .string),
            .init(name: "model", type: .string),
            .init(name: "service_tier", type: .string),
            .init(name: "token_type", type: .string),
            .init(name: "context_window", type: .string),
            .init(name: "inference_geo", type: .string),
            .init(name: "currency", type: .string, mode: .required),
            .init(name: "amount_cents", type: .string, mode: .required, description: "as sent, in cents"),
            .init(name: "amount_usd", type: .string, mode: .required, description: "amount_cents / 100, exact"),
        ] + RawRows.trailerFields,
        description: "Anthropic /v1/organizations/cost_report results, one row per bucket and grouping.")

    public var schema: TableSchema? { Self.tableSchema }

    public func extract(_ request: ExtractRequest, into sink: ExtractSink) throws {
        let anthropic = try AnthropicAPI(api: api, request: request)
        var ordinal: Int64 = 0
        try anthropic.forEachPage(
            AnthropicCostResult.self, path: Self.path, groupBy: ["workspace_id", "description"]
        ) { buckets in
            let rows = try ResultBucket.rows(buckets, ordinal: &ordinal) { try row($0, $1, anthropic.organization) }
            try sink.emit(RowBatch(columns: Self.tableSchema.columnNames, rows: rows))
        }
    }

    /// One raw row; the amount must be a decimal string and the currency an ISO code.
    func row(
        _ cost: AnthropicCostResult, _ bucket: ResultBucket<AnthropicCostResult>, _ organization: AnthropicOrganization
    ) throws -> Row {
        guard let dollars = Money.dollars(fromCents: cost.amount) else {
            throw SourceError.endpoint(AnthropicAPI.provider, Self.path, "an amount is not a decimal string")
        }
        guard Money.currency(cost.currency) != nil else {
            throw SourceError.endpoint(
                AnthropicAPI.provider, Self.path, "currency '\(cost.currency.prefix(8))' is not ISO 4217")
        }
        let key = RawRows.key(
            "anthropic",
            [
                organization.id, bucket.day.description, cost.workspaceID, cost.description, cost.costType,
                cost.model, cost.tokenType, cost.serviceTier, cost.contextWindow, cost.inferenceGeo,
            ])
        return [
            "organization_id": .string(organization.id), "organization_name": RawRows.text(organization.name),
            "workspace_id": RawRows.text(cost.workspaceID), "description": RawRows.text(cost.description),
            "cost_type": RawRows.text(cost.costType), "model": RawRows.text(cost.model),
            "service_tier": RawRows.text(cost.serviceTier), "token_type": RawRows.text(cost.tokenType),
            "context_window": RawRows.text(cost.contextWindow), "inference_geo": RawRows.text(cost.inferenceGeo),
            "currency": .string(cost.currency), "amount_cents": .string(cost.amount),
            "amount_usd": .string(Money.text(dollars)), "x_source_row_id": .string(key),
        ]
    }
}
