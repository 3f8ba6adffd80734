import TallyHTTP
import TallyTenants
import TallyWarehouse

/// Resolves who a request acts as, from `X-API-Key` (a tenant) or `X-Admin-Key` (the operator).
///
/// Authentication comes before anything that looks at the target tenant, and every failure is the same
/// 401 or 403, so responses never reveal whether a tenant exists.
struct RequestAuthentication: Sendable {
    let authenticator: Authenticator

    /// A tenant's key, allowed to act on `tenant`.
    func tenant(_ request: Request, actingOn tenant: String? = nil) throws -> Principal {
        guard let key = request.headers["X-Api-Key"], !key.isEmpty else { throw TenantError.unauthenticated }
        let principal: Principal?
        do {
            principal = try authenticator.verify(apiKey: key)
        } catch {
            throw TenantError.dependency(
                code: "auth_unavailable", message: "Keys cannot be verified right now; retry.", unavailable: true)
        }
        guard let principal else { throw TenantError.unauthenticated }
        if let tenant, !principal.mayAct(on: tenant) { throw TenantError.forbidden }
        return principal
    }

    /// The operator's admin key.
    func admin(_ request: Request) throws {
        guard let key = request.headers["X-Admin-Key"], authenticator.verify(adminKey: key) else {
            throw TenantError.unauthenticated
        }
    }

    /// The admin key if one is sent, else a tenant key allowed to act on `tenant`.
    func adminOrTenant(_ request: Request, actingOn tenant: String) throws -> Principal {
        if request.headers["X-Admin-Key"] != nil {
            try admin(request)
            return .operatorAdmin
        }
        return try self.tenant(request, actingOn: tenant)
    }

    /// Authenticates (admin or the tenant's own key), then checks the tenant exists; only the admin can
    /// learn that it does not, since a tenant key for another tenant was already refused with 403.
    func existingTenant(_ request: Request, _ text: String, warehouse: any Warehouse) throws -> TenantID {
        _ = try adminOrTenant(request, actingOn: text)
        guard let tenant = TenantID(text), try warehouse.datasetExists(text) else {
            throw APIError.notFound("No such tenant.")
        }
        return tenant
    }
}
