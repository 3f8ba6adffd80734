import Foundation
import TallyHTTP
import TallyKMS
import TallyPipelines
import TallyWarehouse

/// The tenant's `cloud_credentials` table. Secrets are encrypted with the key-management backend, the
/// associated data binding each to its tenant and row; they leave this type only to a pipeline step.
public struct CredentialStore: CredentialResolver {
    let warehouse: any Warehouse
    let keyManagement: any KeyManagement
    static let table = "cloud_credentials"
    static let columns = "credential_id, provider, credential_type, settings, created_at, updated_at, is_active"

    public init(warehouse: any Warehouse, keyManagement: any KeyManagement) {
        self.warehouse = warehouse
        self.keyManagement = keyManagement
    }

    /// Stores a new active credential; adding one for a provider rotates to it (the newest active wins).
    public func create(_ input: CredentialInput, for tenant: TenantID, now: Date = Date()) throws -> CredentialMetadata
    {
        let id = UUID().uuidString.lowercased()
        let encrypted = try keyManagement.encrypt(
            Array(input.value.utf8), aad: AAD.make(tenantID: tenant.value, table: Self.table, rowID: id))
        let settings = String(decoding: try JSONCoding.encode(input.settings), as: UTF8.self)
        let row: Row = [
            "credential_id": .string(id), "provider": .string(input.provider),
            "credential_type": .string(input.credentialType), "encrypted_value": .bytes(encrypted),
            "settings": .json(settings), "created_at": .timestamp(now), "updated_at": .timestamp(now),
            "is_active": .bool(true),
        ]
        try warehouse.insertRows(
            [row], into: TableRef(dataset: tenant.value, table: Self.table), options: options(tenant))
        guard let stored = try list(tenant).first(where: { $0.credentialID == id }) else {
            throw WarehouseError.io("credential vanished after insert")
        }
        return stored
    }

    /// Every credential's metadata, newest first.
    public func list(_ tenant: TenantID) throws -> [CredentialMetadata] {
        try warehouse.query(
            "SELECT \(Self.columns) FROM \(tenant.value).\(Self.table) ORDER BY created_at DESC, credential_id",
            parameters: [:], in: tenant.value, options: options(tenant)
        ).rows.compactMap(CredentialMetadata.init(row:))
    }

    /// Deactivates a credential; an unknown id is `.credentialNotFound`. Deactivating twice succeeds.
    public func deactivate(_ id: String, of tenant: TenantID, now: Date = Date()) throws {
        let statement = SQLStatement(
            "UPDATE \(tenant.value).\(Self.table) SET is_active = @inactive, updated_at = @now WHERE credential_id = @id",
            parameters: ["id": .string(id), "inactive": .bool(false), "now": .timestamp(now)], expectedRows: 1)
        do {
            _ = try warehouse.execute([statement], in: tenant.value, options: options(tenant))
        } catch .conditionFailed {
            throw APIError(.notFound, code: "credential_not_found", "No such credential.")
        }
    }

    /// The newest active credential for `provider`, decrypted for a pipeline step.
    public func activeCredential(tenantID: String, provider: String) throws -> SourceCredential? {
        guard let tenant = TenantID(tenantID) else { return nil }
        let rows = try warehouse.query(
            """
            SELECT credential_id, credential_type, encrypted_value, settings FROM \(tenantID).\(Self.table)
            WHERE provider = @provider AND is_active = @active ORDER BY created_at DESC, credential_id LIMIT 1
            """,
            parameters: ["provider": .string(provider), "active": .bool(true)], in: tenantID, options: options(tenant)
        ).rows
        guard let row = rows.first, let id = row["credential_id"]?.stringValue,
            let ciphertext = row["encrypted_value"]?.bytesValue
        else { return nil }
        let secret = try keyManagement.decrypt(
            ciphertext, aad: AAD.make(tenantID: tenantID, table: Self.table, rowID: id))
        let settings =
            (try? JSONDecoder().decode(
                [String: JSONValue].self, from: Data((row["settings"]?.stringValue ?? "{}").utf8))) ?? [:]
        return SourceCredential(
            credentialID: id, provider: provider, credentialType: row["credential_type"]?.stringValue ?? "",
            secret: String(decoding: secret, as: UTF8.self), settings: settings)
    }

    private func options(_ tenant: TenantID) -> JobOptions {
        JobOptions(labels: ["tally_tenant": tenant.value])
    }
}
