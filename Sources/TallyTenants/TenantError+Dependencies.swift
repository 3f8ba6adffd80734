import TallyKMS
import TallyWarehouse

extension TenantError {
    /// Maps a warehouse failure: busy or unreachable is a retryable 503, anything else a 500 whose
    /// message is generic (details stay in the log).
    static func warehouse(_ error: WarehouseError) -> TenantError {
        if case .unavailable = error {
            return .dependency(
                code: "warehouse_unavailable", message: "The warehouse is unavailable.", unavailable: true)
        }
        return .dependency(code: "warehouse_error", message: "The warehouse failed.", unavailable: false)
    }

    /// Maps a key-management failure. KMS being unreachable is a 503, so clients retry and nothing is stored.
    static func keyManagement(_ error: any Error) -> TenantError {
        if let error = error as? KMSError, case .unavailable = error {
            return .dependency(
                code: "kms_unavailable", message: "Key management is unavailable; nothing was stored.",
                unavailable: true)
        }
        return .dependency(code: "kms_error", message: "Key management failed.", unavailable: false)
    }
}
