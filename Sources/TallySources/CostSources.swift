import Foundation
import TallyHTTPClient
import TallyPipelines

/// The cost sources Tally ships, for the pipeline runner's `SourceRegistry`.
public enum CostSources {
    /// Every extractor, sharing one HTTP client (the GCP export table has its own, made for BigQuery). Base URLs
    /// come from `TALLY_OPENAI_BASE_URL`, `TALLY_ANTHROPIC_BASE_URL` and `BIGQUERY_EMULATOR_HOST` (defaults: the
    /// providers' public APIs).
    public static func all(client: HTTPClient) -> [any SourceExtractor] {
        all(client: client, environment: ProcessInfo.processInfo.environment)
    }

    /// `all(client:)` with an explicit environment and retry policy (tests).
    public static func all(
        client: HTTPClient, environment: [String: String], retry: RetryPolicy = ProviderAPI.defaultRetry
    ) -> [any SourceExtractor] {
        let openAI = ProviderAPI(
            provider: OpenAIAPI.provider,
            baseURL: environment["TALLY_OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? OpenAIAPI.defaultBaseURL,
            client: client, retry: retry)
        let anthropic = ProviderAPI(
            provider: AnthropicAPI.provider,
            baseURL: environment["TALLY_ANTHROPIC_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
                ?? AnthropicAPI.defaultBaseURL,
            client: client, retry: retry)
        return [
            CostWindowExtractor(source: "gcp", trailing: .previousMonth),
            CostWindowExtractor(source: "openai", trailing: .days(3)),
            CostWindowExtractor(source: "anthropic", trailing: .days(3)),
            GCPBillingExportExtractor(environment: environment, retry: retry),
            OpenAICostsExtractor(api: openAI),
            OpenAIUsageExtractor(api: openAI),
            AnthropicCostReportExtractor(api: anthropic),
            AnthropicUsageExtractor(api: anthropic),
        ]
    }
}
