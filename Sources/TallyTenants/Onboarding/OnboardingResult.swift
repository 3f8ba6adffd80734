/// The body of a successful onboarding (the design document's shape). `api_key` is shown this once.
public struct OnboardingResult: Sendable, Encodable, Equatable {
    public var tenantID: String
    public var apiKey: String
    public var apiKeyID: String
    public var datasetCreated: Bool
    public var tablesCreated: [String]
    public var dryrunStatus: String
    public var dryrunPipelineLoggingID: String

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id"
        case apiKey = "api_key"
        case apiKeyID = "api_key_id"
        case datasetCreated = "dataset_created"
        case tablesCreated = "tables_created"
        case dryrunStatus = "dryrun_status"
        case dryrunPipelineLoggingID = "dryrun_pipeline_logging_id"
    }
}
