import Foundation
import TallyHTTP

/// A credential as a tenant submits it, validated per provider and type before anything is stored.
///
/// Messages name the field at fault, never the secret.
public struct CredentialInput: Sendable {
    public var provider: String
    public var credentialType: String
    public var value: String
    public var settings: [String: JSONValue]

    static let maxValueBytes = 64 * 1024
    /// `billing_account_name` / `organization_name` fill FOCUS BillingAccountName, which neither the GCP export
    /// nor OpenAI's cost API returns.
    static let settingsByProvider: [String: Set<String>] = [
        "gcp": ["billing_export_table", "billing_export_file", "project_id", "billing_account_name"],
        "openai": ["organization_id", "project_ids", "organization_name"],
        "anthropic": ["organization_id", "workspace_ids"],
    ]

    /// Parses and validates a request body.
    public init(body: [String: JSONValue]) throws(APIError) {
        let known: Set<String> = ["provider", "credential_type", "value", "settings"]
        if let unknown = body.keys.sorted().first(where: { !known.contains($0) }) {
            throw .badRequest(code: "unknown_field", "Field '\(unknown)' is not accepted.")
        }
        provider = try Self.string(body, "provider")
        credentialType = try Self.string(body, "credential_type")
        value = try Self.string(body, "value")
        switch body["settings"] {
        case nil, .null?: settings = [:]
        case .object(let object)?: settings = object
        default: throw .badRequest(code: "invalid_field", "Field 'settings' must be an object.")
        }
        guard let allowedSettings = Self.settingsByProvider[provider] else {
            throw .badRequest(code: "unsupported_provider", "provider must be one of gcp, openai, anthropic.")
        }
        let expectedType = provider == "gcp" ? "service_account" : "api_key"
        guard credentialType == expectedType else {
            throw .badRequest(
                code: "invalid_credential_type", "A \(provider) credential must be of type \(expectedType).")
        }
        guard value.utf8.count <= Self.maxValueBytes else {
            throw .badRequest(code: "invalid_credential", "Field 'value' is too large.")
        }
        if let unknown = settings.keys.sorted().first(where: { !allowedSettings.contains($0) }) {
            throw .badRequest(code: "invalid_settings", "Setting '\(unknown)' is not used by \(provider) sources.")
        }
        try CredentialValidation.validate(self)
    }

    private static func string(_ body: [String: JSONValue], _ name: String) throws(APIError) -> String {
        switch body[name] {
        case .string(let text)? where !text.isEmpty: return text
        case nil, .null?: throw .badRequest(code: "missing_field", "Field '\(name)' is required.")
        default: throw .badRequest(code: "invalid_field", "Field '\(name)' must be a non-empty string.")
        }
    }
}
