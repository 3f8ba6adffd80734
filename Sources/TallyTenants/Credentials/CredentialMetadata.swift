import Foundation
import TallyHTTP
import TallyWarehouse

/// What the API shows of a stored credential: never the secret.
public struct CredentialMetadata: Sendable, Encodable, Equatable {
    public var credentialID: String
    public var provider: String
    public var credentialType: String
    public var settings: [String: JSONValue]
    public var createdAt: String
    public var updatedAt: String
    public var isActive: Bool

    enum CodingKeys: String, CodingKey {
        case provider, settings
        case credentialID = "credential_id"
        case credentialType = "credential_type"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case isActive = "is_active"
    }

    init?(row: Row) {
        guard let id = row["credential_id"]?.stringValue, let provider = row["provider"]?.stringValue,
            let type = row["credential_type"]?.stringValue, let created = row["created_at"]?.timestampValue,
            let updated = row["updated_at"]?.timestampValue
        else { return nil }
        credentialID = id
        self.provider = provider
        credentialType = type
        let json = Data((row["settings"]?.stringValue ?? "{}").utf8)
        settings = (try? JSONDecoder().decode([String: JSONValue].self, from: json)) ?? [:]
        createdAt = WarehouseTimestamp.format(created)
        updatedAt = WarehouseTimestamp.format(updated)
        isActive = row["is_active"]?.boolValue ?? false
    }
}
