import TallyHTTPClient
import TallyPipelines
import TallyWarehouse

/// `openai_costs`: `GET /v1/organization/costs` grouped by project and line item, one raw row per result.
///
/// Amounts are dollars; they are kept as exact decimal text (`amount_value`), the currency as sent (`usd`),
/// checked to become an ISO code when upper-cased. The natural key is (organization, bucket start, project,
/// line item, API key).
public struct OpenAICostsExtractor: SourceExtractor {
    public static let path = "/v1/organization/costs"
    /// The endpoint's maximum page size for day buckets.
    static let pageLimit = 180
    let api: ProviderAPI

    public init(api: ProviderAPI) {
        self.api = api
    }

    public var name: String { "openai_costs" }
    public var provider: String? { "openai" }

    public static let tableSchema = TableSchema(
        fields: RawRows.periodFields + [
            .init(name: "organization_id", type: .string, mode: .required),
            .init(name: "organization_name", type: .string, description: "from the credential's settings"),
            .init(name: "project_id", type: .string),
            .init(name: "line_item", type: .string),
            .init(name: "api_key_id", type: .string),
            .init(name: "amount_value", type: .string, mode: .required, description: "dollars, exact decimal text"),
            .init(name: "currency", type: .string, mode: .required, description: "as sent, e.g. usd"),
            .init(name: "quantity", type: .string, description: "exact decimal text"),
            .init(name: "quantity_unit", type: .string),
        ] + RawRows.trailerFields,
        description: "OpenAI /v1/organization/costs results, one row per bucket and grouping.")

    public var schema: TableSchema? { Self.tableSchema }

    public func extract(_ request: ExtractRequest, into sink: ExtractSink) throws {
        let openAI = try OpenAIAPI(api: api, request: request)
        var ordinal: Int64 = 0
        try openAI.forEachPage(
            OpenAICostResult.self, path: Self.path, groupBy: ["project_id", "line_item"], limit: Self.pageLimit
        ) { buckets in
            let rows = try ResultBucket.rows(buckets, ordinal: &ordinal) { try row($0, $1, openAI) }
            try sink.emit(RowBatch(columns: Self.tableSchema.columnNames, rows: rows))
        }
    }

    /// One raw row; the currency must become an ISO code when upper-cased.
    func row(_ cost: OpenAICostResult, _ bucket: ResultBucket<OpenAICostResult>, _ openAI: OpenAIAPI) throws -> Row {
        guard Money.currency(cost.amount.currency) != nil else {
            throw SourceError.endpoint(
                OpenAIAPI.provider, Self.path, "currency '\(cost.amount.currency.prefix(8))' is not ISO 4217")
        }
        let startTime = String(Int64(bucket.start.timeIntervalSince1970))
        return [
            "organization_id": .string(openAI.organizationID),
            "organization_name": RawRows.text(openAI.organizationName), "project_id": RawRows.text(cost.projectID),
            "line_item": RawRows.text(cost.lineItem), "api_key_id": RawRows.text(cost.apiKeyID),
            "amount_value": .string(Money.text(cost.amount.value)), "currency": .string(cost.amount.currency),
            "quantity": RawRows.text(cost.quantity.map(Money.text)), "quantity_unit": RawRows.text(cost.quantityUnit),
            "x_source_row_id": .string(
                RawRows.key(
                    "openai", [openAI.organizationID, startTime, cost.projectID, cost.lineItem, cost.apiKeyID])),
        ]
    }
}
