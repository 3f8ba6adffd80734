extension BigQueryError {
    /// The `WarehouseError` callers handle. `notFound` names the dataset or table BigQuery's message names
    /// ("Not found: Dataset p:d", "Not found: Table p:d.t was not found in location US"); the reason alone
    /// decides the case, the text only which object it was.
    func warehouseError(dataset: String? = nil) -> WarehouseError {
        switch (kind, reason) {
        case (.transport, _): return .unavailable(message)
        case (.malformed, _): return .io(description)
        case (_, "notFound"):
            if message.contains("Not found: Table") || message.contains("Table ") {
                return .tableNotFound(Self.objectName(in: message) ?? dataset ?? "")
            }
            if message.contains("Dataset") { return .datasetNotFound(Self.objectName(in: message) ?? dataset ?? "") }
            return .invalidQuery(message)
        case (_, "invalidQuery"), (_, "invalid"), (_, "duplicate"), (_, "resourceInUse"):
            return .invalidQuery(message)
        case (_, "quotaExceeded"), (_, "rateLimitExceeded"), (_, "jobRateLimitExceeded"), (_, "backendError"):
            return .unavailable(message)
        default:
            return isRetryable ? .unavailable(description) : .io(description)
        }
    }

    /// `d.t` or `d` out of "… Table p:d.t …" / "… Dataset p:d …"; nil when the text has no such reference.
    static func objectName(in message: String) -> String? {
        for marker in ["Table ", "Dataset "] {
            guard let start = message.range(of: marker)?.upperBound else { continue }
            let reference = message[start...].prefix { !$0.isWhitespace && $0 != "," && $0 != ";" }
            let afterProject = reference.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
            let trimmed = afterProject.hasSuffix(".") ? String(afterProject.dropLast()) : afterProject
            if !trimmed.isEmpty { return trimmed }
        }
        return nil
    }
}
