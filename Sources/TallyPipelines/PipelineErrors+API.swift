import TallyHTTP
import TallyWarehouse

extension TemplateError: APIErrorConvertible {
    public var apiError: APIError {
        switch self {
        case .notFound:
            APIError(.notFound, code: "template_not_found", "No such pipeline template.")
        case .invalidParameter(let name, let reason):
            APIError(.badRequest, code: "invalid_parameter", "Parameter '\(name)' \(reason).")
        case .invalid:
            APIError(.internalServerError, code: "template_invalid", "The pipeline template is misconfigured.")
        }
    }
}

extension RunError: APIErrorConvertible {
    public var apiError: APIError {
        switch self {
        case .alreadyActive(let runID):
            APIError(
                .conflict, code: "run_already_active", "This pipeline already has a PENDING or RUNNING run.",
                details: ["active_pipeline_logging_id": runID])
        case .notFound:
            APIError(.notFound, code: "run_not_found", "No such run.")
        case .notCancellable(let status):
            APIError(.conflict, code: "run_not_cancellable", "The run already ended with status \(status.rawValue).")
        case .template(let error):
            error.apiError
        case .warehouse(let error):
            WarehouseAPIError.map(error)
        }
    }
}

/// How warehouse failures reach clients: retryable unavailability is a 503; anything else a 500 with a
/// generic message, since the details (SQL, files) are for the log.
public enum WarehouseAPIError {
    public static func map(_ error: WarehouseError) -> APIError {
        if case .unavailable = error {
            return APIError(.serviceUnavailable, code: "warehouse_unavailable", "The warehouse is unavailable; retry.")
        }
        return APIError(.internalServerError, code: "warehouse_error", "The warehouse failed.")
    }
}
