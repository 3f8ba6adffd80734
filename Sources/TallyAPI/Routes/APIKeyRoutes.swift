import Foundation
import TallyHTTP
import TallyTenants

/// Creating, listing and revoking a tenant's API keys (the tenant's own key, or the admin key).
struct APIKeyRoutes: Sendable {
    let services: TallyServices
    let auth: RequestAuthentication

    static let maxExpiryDays: Int64 = 3650

    func register(in router: inout Router) {
        router.add(.post, "/api/v1/tenants/{tenant_id}/api-keys") { request, path in
            let tenant = try auth.existingTenant(request, path["tenant_id"], warehouse: services.warehouse)
            var expiresAt: Date?
            if !request.body.isEmpty {
                let body = try JSONCoding.decodeBody([String: JSONValue].self, from: request)
                if let unknown = body.keys.sorted().first(where: { $0 != "expires_in_days" }) {
                    throw APIError.badRequest(code: "unknown_field", "Field '\(unknown)' is not accepted.")
                }
                switch body["expires_in_days"] {
                case nil, .null?: break
                case .integer(let days)? where (1...Self.maxExpiryDays).contains(days):
                    expiresAt = Date().addingTimeInterval(Double(days) * 86_400)
                default:
                    throw APIError.badRequest(
                        code: "invalid_field", "expires_in_days must be an integer from 1 to \(Self.maxExpiryDays).")
                }
            }
            let (key, stored) = try services.apiKeys.create(for: tenant, expiresAt: expiresAt)
            services.keyCache.invalidate(tenant.value)
            return .json(CreatedKey(apiKey: key, metadata: APIKeyMetadata(stored)), status: .created)
        }
        router.add(.get, "/api/v1/tenants/{tenant_id}/api-keys") { request, path in
            let tenant = try auth.existingTenant(request, path["tenant_id"], warehouse: services.warehouse)
            let keys = try services.apiKeys.keys(of: tenant) ?? []
            return .json(["api_keys": keys.map(APIKeyMetadata.init)])
        }
        router.add(.delete, "/api/v1/tenants/{tenant_id}/api-keys/{api_key_id}") { request, path in
            let tenant = try auth.existingTenant(request, path["tenant_id"], warehouse: services.warehouse)
            let keyID = path["api_key_id"]
            guard UUID(uuidString: keyID) != nil else { throw TenantError.keyNotFound }
            try services.apiKeys.revoke(keyID, of: tenant)
            // This instance stops accepting the key at once; others within the cache TTL.
            services.keyCache.invalidate(tenant.value)
            return .json(["api_key_id": JSONValue.string(keyID), "is_active": .bool(false)])
        }
    }

    struct CreatedKey: Encodable {
        var apiKey: String
        var metadata: APIKeyMetadata

        enum CodingKeys: String, CodingKey {
            case apiKey = "api_key"
        }

        func encode(to encoder: any Encoder) throws {
            try metadata.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(apiKey, forKey: .apiKey)
        }
    }
}
