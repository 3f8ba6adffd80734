import TallyHTTP
import TallyTenants

/// A tenant's provider credentials: add (encrypted), list (metadata only), deactivate.
struct CredentialRoutes: Sendable {
    let services: TallyServices
    let auth: RequestAuthentication

    func register(in router: inout Router) {
        router.add(.post, "/api/v1/tenants/{tenant_id}/credentials") { request, path in
            let tenant = try auth.existingTenant(request, path["tenant_id"], warehouse: services.warehouse)
            let input = try CredentialInput(body: try JSONCoding.decodeBody([String: JSONValue].self, from: request))
            let created = try services.credentials.create(input, for: tenant)
            services.logger.info(
                "credential added",
                metadata: [
                    "tenant": "\(tenant)", "provider": "\(created.provider)", "credential": "\(created.credentialID)",
                ])
            return .json(created, status: .created)
        }
        router.add(.get, "/api/v1/tenants/{tenant_id}/credentials") { request, path in
            let tenant = try auth.existingTenant(request, path["tenant_id"], warehouse: services.warehouse)
            return .json(CredentialList(credentials: try services.credentials.list(tenant)))
        }
        router.add(.delete, "/api/v1/tenants/{tenant_id}/credentials/{credential_id}") { request, path in
            let tenant = try auth.existingTenant(request, path["tenant_id"], warehouse: services.warehouse)
            let id = path["credential_id"]
            guard id.utf8.count == 36, id == id.lowercased() else {
                throw APIError(.notFound, code: "credential_not_found", "No such credential.")
            }
            try services.credentials.deactivate(id, of: tenant)
            return .json(["credential_id": JSONValue.string(id), "is_active": .bool(false)])
        }
    }

    struct CredentialList: Encodable {
        var credentials: [CredentialMetadata]
    }
}
