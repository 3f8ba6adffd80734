/// `configs/customer/onboarding-template.yml`: what onboarding creates for a tenant.
public struct OnboardingTemplate: Sendable, Decodable {
    public struct Dataset: Sendable, Decodable {
        public var labels: [String: String]
    }

    public struct Table: Sendable, Decodable {
        public var name: String
        /// Schema file, relative to the configs directory.
        public var schema: String
    }

    public struct KeyPolicy: Sendable, Decodable {
        public var expiresInDays: Int?

        enum CodingKeys: String, CodingKey {
            case expiresInDays = "expires_in_days"
        }
    }

    public struct DryRun: Sendable, Decodable {
        /// `{provider}/{domain}/{template}` of the pipeline run to prove the tenant works.
        public var pipeline: String
        public var triggerBy: String

        enum CodingKeys: String, CodingKey {
            case pipeline
            case triggerBy = "trigger_by"
        }
    }

    public var dataset: Dataset
    public var tables: [Table]
    public var apiKey: KeyPolicy
    public var dryrun: DryRun

    enum CodingKeys: String, CodingKey {
        case dataset, tables, dryrun
        case apiKey = "api_key"
    }
}
