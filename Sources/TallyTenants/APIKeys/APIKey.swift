import Foundation
import TallyCrypto

/// API keys look like `{tenant_id}_api_{32 base62 characters}`: the tenant is readable from the key, so
/// verification needs one lookup in that tenant's own `api_keys` table, and 32 base62 characters carry
/// about 190 bits from the CSPRNG.
public enum APIKey {
    public static let randomLength = 32
    static let marker = "_api_"

    /// A new key for `tenant`.
    public static func generate(for tenant: TenantID) throws -> String {
        tenant.value + marker + (try SecureRandom.base62(count: randomLength))
    }

    /// The tenant a well-formed key claims; nil for anything that cannot be a key, which is refused
    /// without touching the warehouse.
    public static func tenant(of key: String) -> TenantID? {
        // Byte-level on purpose: this runs on every authenticated request, before any hashing.
        let bytes = Array(key.utf8)
        let markerBytes = Array(marker.utf8)
        let secretStart = bytes.count - randomLength
        let tenantEnd = secretStart - markerBytes.count
        guard tenantEnd >= 3, tenantEnd <= 50, bytes[tenantEnd..<secretStart].elementsEqual(markerBytes),
            bytes[secretStart...].allSatisfy({ ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) })
        else { return nil }
        return TenantID(String(decoding: bytes[..<tenantEnd], as: UTF8.self))
    }

    /// The lookup hash stored in `api_keys.api_key_hash`.
    public static func hash(_ key: String) -> [UInt8] {
        SHA256.hash(Array(key.utf8))
    }
}
