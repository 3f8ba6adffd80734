import TallyHTTP
import TallyTenants

/// `POST /api/v1/customers/onboard`, for the operator (admin key).
struct OnboardingRoutes: Sendable {
    let services: TallyServices
    let auth: RequestAuthentication

    func register(in router: inout Router) {
        router.add(.post, "/api/v1/customers/onboard") { request, _ in
            try auth.admin(request)
            let body = try JSONCoding.decodeBody([String: JSONValue].self, from: request)
            if let unknown = body.keys.sorted().first(where: { $0 != "tenant_id" }) {
                throw APIError.badRequest(code: "unknown_field", "Field '\(unknown)' is not accepted.")
            }
            guard case .string(let tenantID)? = body["tenant_id"] else {
                throw APIError.badRequest(
                    code: body["tenant_id"] == nil ? "missing_field" : "invalid_field",
                    "Field 'tenant_id' must be a string.")
            }
            let result = try services.onboarding.onboard(tenantID)
            services.logger.info("tenant onboarded", metadata: ["tenant": "\(result.tenantID)"])
            return .json(result, status: .created)
        }
    }
}
