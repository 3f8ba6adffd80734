import Foundation
import TallyCrypto
import TallyKMS
import TallyWarehouse

/// The tenant's `api_keys` table: creates keys (hash plus KMS-encrypted copy), lists and revokes them.
public struct APIKeyStore: Sendable {
    let warehouse: any Warehouse
    let keyManagement: any KeyManagement
    static let table = "api_keys"

    public init(warehouse: any Warehouse, keyManagement: any KeyManagement) {
        self.warehouse = warehouse
        self.keyManagement = keyManagement
    }

    /// Creates and stores a new key; returns the key (to show once) and its stored metadata.
    public func create(
        for tenant: TenantID, expiresAt: Date? = nil, now: Date = Date()
    ) throws(TenantError) -> (key: String, stored: StoredAPIKey) {
        let id = UUID().uuidString.lowercased()
        let key: String
        let encrypted: [UInt8]
        do {
            key = try APIKey.generate(for: tenant)
            encrypted = try keyManagement.encrypt(
                Array(key.utf8), aad: AAD.make(tenantID: tenant.value, table: Self.table, rowID: id))
        } catch {
            throw TenantError.keyManagement(error)
        }
        let stored = StoredAPIKey(id: id, hash: APIKey.hash(key), createdAt: now, expiresAt: expiresAt, isActive: true)
        let row: Row = [
            "api_key_id": .string(id), "api_key_hash": .string(Hex.encode(stored.hash)),
            "encrypted_api_key": .bytes(encrypted), "created_at": .timestamp(now),
            "expires_at": expiresAt.map { .timestamp($0) } ?? .null, "is_active": .bool(true),
        ]
        do {
            try warehouse.insertRows([row], into: try tableRef(tenant), options: JobOptions(labels: labels(tenant)))
        } catch {
            throw TenantError.warehouse(error)
        }
        return (key, stored)
    }

    /// Every key of the tenant (active or not), oldest first; nil when the tenant has no dataset.
    public func keys(of tenant: TenantID) throws(TenantError) -> [StoredAPIKey]? {
        do {
            guard try warehouse.datasetExists(tenant.value) else { return nil }
            let result = try warehouse.query(
                """
                SELECT api_key_id, api_key_hash, created_at, expires_at, is_active
                FROM \(tenant.value).\(Self.table) ORDER BY created_at, api_key_id
                """,
                parameters: [:], in: tenant.value, options: JobOptions(labels: labels(tenant)))
            return result.rows.compactMap { row in
                guard let id = row["api_key_id"]?.stringValue,
                    let hash = row["api_key_hash"]?.stringValue.flatMap(Hex.decode),
                    let created = row["created_at"]?.timestampValue
                else { return nil }
                return StoredAPIKey(
                    id: id, hash: hash, createdAt: created, expiresAt: row["expires_at"]?.timestampValue,
                    isActive: row["is_active"]?.boolValue ?? false)
            }
        } catch .tableNotFound, .datasetNotFound {
            return nil
        } catch {
            throw TenantError.warehouse(error)
        }
    }

    /// Deactivates a key. Revoking an already revoked key succeeds; an unknown id is `.keyNotFound`.
    public func revoke(_ keyID: String, of tenant: TenantID) throws(TenantError) {
        let statement = SQLStatement(
            "UPDATE \(tenant.value).\(Self.table) SET is_active = @inactive WHERE api_key_id = @id",
            parameters: ["id": .string(keyID), "inactive": .bool(false)], expectedRows: 1)
        do {
            _ = try warehouse.execute([statement], in: tenant.value, options: JobOptions(labels: labels(tenant)))
        } catch .conditionFailed {
            throw .keyNotFound
        } catch {
            throw TenantError.warehouse(error)
        }
    }

    /// Decrypts a stored key copy; used to prove the encrypted copy is bound to its tenant and row.
    public func decryptStoredKey(_ ciphertext: [UInt8], keyID: String, tenant: TenantID) throws(TenantError) -> String {
        do {
            let plaintext = try keyManagement.decrypt(
                ciphertext, aad: AAD.make(tenantID: tenant.value, table: Self.table, rowID: keyID))
            return String(decoding: plaintext, as: UTF8.self)
        } catch {
            throw TenantError.keyManagement(error)
        }
    }

    private func tableRef(_ tenant: TenantID) throws(WarehouseError) -> TableRef {
        try TableRef(dataset: tenant.value, table: Self.table)
    }

    private func labels(_ tenant: TenantID) -> [String: String] {
        ["tally_tenant": tenant.value]
    }
}
