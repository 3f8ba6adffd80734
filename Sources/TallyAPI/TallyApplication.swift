import Logging
import TallyHTTP

/// The HTTP API: every route, wired to the services.
public enum TallyApplication {
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
        return router
    }
}
