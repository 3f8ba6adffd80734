import TallyWarehouse

/// Why a run could not be started, found or changed.
public enum RunError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pipeline already has a PENDING or RUNNING run; its id is reported to the caller.
    case alreadyActive(runID: String)
    case notFound
    /// The run already ended, so it cannot be cancelled.
    case notCancellable(RunStatus)
    case template(TemplateError)
    case warehouse(WarehouseError)

    public var description: String {
        switch self {
        case .alreadyActive(let id): "pipeline already has an active run \(id)"
        case .notFound: "run not found"
        case .notCancellable(let status): "run already ended with \(status.rawValue)"
        case .template(let error): error.description
        case .warehouse(let error): error.description
        }
    }
}
