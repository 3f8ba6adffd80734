import Foundation
import TallyCrypto

/// Who a request acts as.
public enum Principal: Sendable, Equatable {
    /// The operator, authenticated by the admin key.
    case operatorAdmin
    /// A tenant, authenticated by one of its API keys.
    case tenant(TenantID, apiKeyID: String)

    /// Whether this principal may act on `tenant`'s resources.
    public func mayAct(on tenant: String) -> Bool {
        switch self {
        case .operatorAdmin: true
        case .tenant(let own, _): own.value == tenant
        }
    }
}

/// Verifies API keys and the operator's admin key.
///
/// A key is hashed with SHA-256 and compared with `CRYPTO_memcmp` against every usable key hash of the
/// tenant it names, loaded through `APIKeyCache`. Unknown tenants and wrong keys fail the same way, so a
/// response never reveals whether a tenant exists.
public struct Authenticator: Sendable {
    let cache: APIKeyCache
    let loadKeys: @Sendable (TenantID) throws -> [StoredAPIKey]?
    let adminKeyHash: [UInt8]?
    let clock: @Sendable () -> Date

    public init(
        cache: APIKeyCache, adminKeyHash: [UInt8]?, clock: @escaping @Sendable () -> Date = { Date() },
        loadKeys: @escaping @Sendable (TenantID) throws -> [StoredAPIKey]?
    ) {
        self.cache = cache
        self.adminKeyHash = adminKeyHash
        self.clock = clock
        self.loadKeys = loadKeys
    }

    /// The tenant principal for `key`, or nil for a missing, malformed, unknown, revoked or expired key.
    public func verify(apiKey key: String) throws -> Principal? {
        guard let tenant = APIKey.tenant(of: key) else { return nil }
        let digest = APIKey.hash(key)
        let cached = cache.lookup(tenant.value)
        if let cached {
            if let match = match(digest, in: cached.keys) { return .tenant(tenant, apiKeyID: match.id) }
            guard cached.keys != nil, cached.age >= cache.settings.missRefresh else { return nil }
        }
        let keys = try loadKeys(tenant)
        cache.store(tenant.value, keys: keys)
        return match(digest, in: keys).map { .tenant(tenant, apiKeyID: $0.id) }
    }

    /// Whether `key` is the operator's admin key.
    public func verify(adminKey key: String) -> Bool {
        guard let adminKeyHash else { return false }
        return ConstantTime.equals(SHA256.hash(Array(key.utf8)), adminKeyHash)
    }

    private func match(_ digest: [UInt8], in keys: [StoredAPIKey]?) -> StoredAPIKey? {
        let now = clock()
        var found: StoredAPIKey?
        // Every candidate is compared, so timing does not depend on which key matched.
        for key in keys ?? [] where ConstantTime.equals(digest, key.hash) && key.isUsable(at: now) {
            found = key
        }
        return found
    }
}
