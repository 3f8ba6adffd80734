import TallyHTTP

/// Failures of tenant operations, each with the API error a client sees.
public enum TenantError: Error, Sendable, Equatable, APIErrorConvertible {
    case invalidTenantID
    case tenantExists
    case onboardingInProgress
    case dryRunFailed(String)
    case keyNotFound
    case unauthenticated
    case forbidden
    /// A dependency (warehouse, key management) failed; `unavailable` ones are worth a retry.
    case dependency(code: String, message: String, unavailable: Bool)

    public var apiError: APIError {
        switch self {
        case .invalidTenantID:
            APIError(
                .badRequest, code: "invalid_tenant_id",
                "tenant_id must be 3 to 50 characters of a-z, 0-9 and _, starting with a letter.")
        case .tenantExists:
            APIError(.conflict, code: "tenant_exists", "This tenant is already onboarded.")
        case .onboardingInProgress:
            APIError(.conflict, code: "onboarding_in_progress", "This tenant is being onboarded; retry later.")
        case .dryRunFailed(let reason):
            APIError(
                .unprocessableContent, code: "dryrun_failed",
                "The onboarding dry run failed (\(reason)); nothing was kept, the request can be retried.")
        case .keyNotFound:
            APIError(.notFound, code: "api_key_not_found", "No such API key.")
        case .unauthenticated:
            APIError(.unauthorized, code: "unauthenticated", "A valid API key is required.")
        case .forbidden:
            APIError(.forbidden, code: "forbidden", "This key may not act on that tenant.")
        case .dependency(let code, let message, let unavailable):
            APIError(unavailable ? .serviceUnavailable : .internalServerError, code: code, message)
        }
    }
}
