/// A failure reported by BigQuery (an error envelope, a job's `errorResult`, an insert error) or met on the
/// way to it. Messages are BigQuery's own (they name tables and jobs, never row data or parameter values)
/// and never include request headers, so they are safe to log.
public struct BigQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// BigQuery answered with an error; `status` is 200 for a job that ran and failed.
        case service(status: Int)
        /// No usable answer: connection failure, timeout, retries exhausted, no access token.
        case transport
        /// An answer that is not the JSON BigQuery sends.
        case malformed
    }

    public var kind: Kind
    /// BigQuery's `reason` (`notFound`, `duplicate`, `invalidQuery`, `backendError`, …); empty when absent.
    public var reason: String
    public var message: String

    public init(_ kind: Kind, reason: String = "", message: String) {
        self.kind = kind
        self.reason = reason
        self.message = message
    }

    /// Reads the Google error envelope `{"error": {"code", "message", "errors": [{"reason", "message"}]}}`.
    /// Bodies without one (a proxy's HTML page, FastAPI's `{"detail": …}`) keep the status alone.
    init(status: Int, body: [UInt8]) {
        let error = BigQueryJSON.parse(body)?["error"]
        let first = error?["errors"]?.array?.first
        let reason = first?["reason"]?.string ?? error?["status"]?.string ?? ""
        let message = error?["message"]?.string ?? first?["message"]?.string ?? "HTTP \(status)"
        self.init(.service(status: status), reason: reason, message: message)
    }

    /// An `ErrorProto` (`{"reason", "message", "location"}`), as in a job's `status.errorResult`.
    init(job proto: BigQueryJSON) {
        self.init(
            .service(status: 200), reason: proto["reason"]?.string ?? "",
            message: proto["message"]?.string ?? "job failed")
    }

    public var status: Int? {
        if case .service(let status) = kind { return status }
        return nil
    }

    /// Worth another try of the same request: 429, 5xx (unless BigQuery says `dontRetry`), and the two
    /// transient reasons, whatever their status. Quota, access and query errors will not change by retrying.
    public var isRetryable: Bool {
        switch kind {
        case .transport: return true
        case .malformed: return false
        case .service(let status):
            if reason == "rateLimitExceeded" || reason == "backendError" { return true }
            if reason == "dontRetry" { return false }
            return status == 429 || (500...599).contains(status)
        }
    }

    /// A multi-statement transaction or DML statement lost against a concurrent change of the same table and
    /// was rolled back. BigQuery gives these no reason of their own (`invalidQuery`), so the text decides:
    /// "Transaction is aborted due to concurrent update against table …" and "Could not serialize access to
    /// table … due to concurrent update" (BigQuery), "Failed to commit … transaction" (the DuckDB-based peer).
    var isConcurrentUpdate: Bool {
        let text = message.lowercased()
        return text.contains("concurrent update") || text.contains("could not serialize access")
            || (text.contains("failed to commit") && text.contains("transaction"))
    }

    public var description: String {
        let reason = reason.isEmpty ? "" : " (\(reason))"
        switch kind {
        case .service(let status): return "BigQuery HTTP \(status)\(reason): \(message)"
        case .transport: return "BigQuery unreachable\(reason): \(message)"
        case .malformed: return "BigQuery answer not understood: \(message)"
        }
    }
}
