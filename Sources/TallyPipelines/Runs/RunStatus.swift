/// A run's lifecycle: PENDING → RUNNING → SUCCESS | FAILED, or CANCELLED from PENDING or RUNNING.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case pending = "PENDING"
    case running = "RUNNING"
    case success = "SUCCESS"
    case failed = "FAILED"
    case cancelled = "CANCELLED"

    /// PENDING and RUNNING runs block another run of the same pipeline.
    public var isActive: Bool { self == .pending || self == .running }
}
