import Foundation
import Logging
import TallyAPI
import TallyHTTP

/// Builds the application from the environment, refusing to start on a missing or wrong setting.
enum ServiceBootstrap {
    static func makeApplication(instance: String, logger: Logger) throws -> Router {
        let errorLogger = logger
        var router = Router { request, error in
            errorLogger.error(
                "unhandled error", metadata: ["request_id": "\(request.requestID)", "error": "\(error)"])
        }
        HealthRoutes(instance: instance, checks: []).register(in: &router)
        return router
    }
}
