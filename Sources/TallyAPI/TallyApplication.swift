import Logging
import TallyHTTP

/// The HTTP API: every route, wired to the services.
public enum TallyApplication {
    /// Every route the API serves, as `(method, path template)`. The OpenAPI description is tested against
    /// this list, and this list against the router.
    public static let routeTemplates: [(method: String, path: String)] = [
        ("GET", "/health"),
        ("GET", "/ready"),
        ("POST", "/api/v1/customers/onboard"),
        ("POST", "/api/v1/pipelines/run/{tenant_id}/{provider}/{domain}/{template_name}"),
        ("GET", "/api/v1/pipelines/runs/{pipeline_logging_id}"),
        ("DELETE", "/api/v1/pipelines/runs/{pipeline_logging_id}"),
        ("GET", "/api/v1/pipelines/runs"),
        ("POST", "/api/v1/tenants/{tenant_id}/api-keys"),
        ("GET", "/api/v1/tenants/{tenant_id}/api-keys"),
        ("DELETE", "/api/v1/tenants/{tenant_id}/api-keys/{api_key_id}"),
        ("POST", "/api/v1/tenants/{tenant_id}/credentials"),
        ("GET", "/api/v1/tenants/{tenant_id}/credentials"),
        ("DELETE", "/api/v1/tenants/{tenant_id}/credentials/{credential_id}"),
    ]

    /// Builds the router. `checks` feed `/ready`.
    public static func router(services: TallyServices, instance: String, checks: [HealthRoutes.Check]) -> Router {
        let logger = services.logger
        var router = Router { request, error in
            logger.error("unhandled error", metadata: ["request_id": "\(request.requestID)", "error": "\(error)"])
        }
        let auth = RequestAuthentication(authenticator: services.authenticator)
        HealthRoutes(instance: instance, checks: checks).register(in: &router)
        OnboardingRoutes(services: services, auth: auth).register(in: &router)
        PipelineRoutes(services: services, auth: auth).register(in: &router)
        APIKeyRoutes(services: services, auth: auth).register(in: &router)
        CredentialRoutes(services: services, auth: auth).register(in: &router)
        return router
    }
}
