import TallyHTTPClient
import TallyPipelines

/// The cost sources Tally ships, for the pipeline runner's `SourceRegistry`.
public enum CostSources {
    /// Every extractor, sharing one HTTP client.
    public static func all(client: HTTPClient) -> [any SourceExtractor] {
        []
    }
}
