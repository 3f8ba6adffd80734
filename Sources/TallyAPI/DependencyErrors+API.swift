import TallyHTTP
import TallyKMS
import TallyPipelines
import TallyWarehouse

// Errors of the backends, when they escape a handler, become these API errors. Unavailability is a 503
// (retry later, nothing was stored); anything else a 500 with a generic message, the details going to
// the log rather than to the client.

extension WarehouseError: APIErrorConvertible {
    public var apiError: APIError { WarehouseAPIError.map(self) }
}

extension KMSError: APIErrorConvertible {
    public var apiError: APIError {
        if case .unavailable = self {
            return APIError(
                .serviceUnavailable, code: "kms_unavailable", "Key management is unavailable; nothing was stored.")
        }
        return APIError(.internalServerError, code: "kms_error", "Key management failed.")
    }
}
