import Foundation
import TallyWarehouse

/// An API key's metadata as stored; the key itself is never kept in the clear.
public struct StoredAPIKey: Sendable, Equatable {
    public var id: String
    /// SHA-256 of the key.
    public var hash: [UInt8]
    public var createdAt: Date
    public var expiresAt: Date?
    public var isActive: Bool

    public init(id: String, hash: [UInt8], createdAt: Date, expiresAt: Date?, isActive: Bool) {
        self.id = id
        self.hash = hash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.isActive = isActive
    }

    /// Whether the key may authenticate at `now`.
    public func isUsable(at now: Date) -> Bool {
        isActive && (expiresAt.map { $0 > now } ?? true)
    }
}

/// The metadata the API lists: never the key, never its hash.
public struct APIKeyMetadata: Sendable, Encodable, Equatable {
    public var apiKeyID: String
    public var createdAt: String
    public var expiresAt: String?
    public var isActive: Bool

    enum CodingKeys: String, CodingKey {
        case apiKeyID = "api_key_id"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case isActive = "is_active"
    }

    public init(_ key: StoredAPIKey) {
        apiKeyID = key.id
        createdAt = WarehouseTimestamp.format(key.createdAt)
        expiresAt = key.expiresAt.map(WarehouseTimestamp.format)
        isActive = key.isActive
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(apiKeyID, forKey: .apiKeyID)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(isActive, forKey: .isActive)
    }
}
