import Foundation
import TallyHTTP
import TallyWarehouse

/// What the API asks of pipelines: start a run, follow it, list runs, cancel one.
public struct PipelineService: Sendable {
    public let catalog: TemplateCatalog
    public let store: RunStore
    let runner: PipelineRunner
    let executor: RunExecutor?
    let instanceID: String

    public static let maxListLimit = 500

    /// `executor` nil runs pipelines inline (tools, tests); the service uses the background executor.
    public init(runner: PipelineRunner, executor: RunExecutor?, instanceID: String) {
        self.runner = runner
        self.catalog = runner.catalog
        self.store = runner.store
        self.executor = executor
        self.instanceID = instanceID
    }

    /// Validates the request against the template and creates a PENDING run, queued for execution.
    public func startRun(_ identity: PipelineIdentity, body: [String: JSONValue]) throws(RunError) -> PipelineRun {
        let (run, parameters) = try createRun(identity, body: body)
        if let executor {
            executor.submit(runID: run.pipelineLoggingID, identity: identity, parameters: parameters)
        } else {
            runner.execute(runID: run.pipelineLoggingID, identity: identity, parameters: parameters)
        }
        return run
    }

    /// Creates a run and executes it on the calling thread; returns its final state.
    public func runNow(_ identity: PipelineIdentity, body: [String: JSONValue]) throws(RunError) -> PipelineRun {
        let (run, parameters) = try createRun(identity, body: body)
        runner.execute(runID: run.pipelineLoggingID, identity: identity, parameters: parameters)
        return try store.run(run.pipelineLoggingID, tenantID: identity.tenantID) ?? run
    }

    public func details(runID: String, tenantID: String) throws(RunError) -> RunDetails {
        guard Self.isRunID(runID), let run = try store.run(runID, tenantID: tenantID) else { throw .notFound }
        return try store.details(of: run)
    }

    public func list(tenantID: String, pipelineID: String?, status: RunStatus?, limit: Int) throws(RunError)
        -> [PipelineRun]
    {
        try store.listRuns(
            tenantID: tenantID, pipelineID: pipelineID, status: status, limit: min(max(limit, 1), Self.maxListLimit))
    }

    /// Cancels a PENDING or RUNNING run. A running run stops before its next step and publishes nothing.
    public func cancel(runID: String, tenantID: String) throws(RunError) -> PipelineRun {
        guard Self.isRunID(runID), let run = try store.run(runID, tenantID: tenantID) else { throw .notFound }
        let moved = try store.transition(
            runID, tenantID: tenantID, from: [.pending, .running], to: .cancelled,
            set: ["ended_at": .timestamp(Date()), "error_message": .string("cancelled by request")])
        guard moved, let cancelled = try store.run(runID, tenantID: tenantID) else {
            throw .notCancellable((try store.run(runID, tenantID: tenantID))?.status ?? run.status)
        }
        return cancelled
    }

    private func createRun(
        _ identity: PipelineIdentity, body: [String: JSONValue]
    ) throws(RunError) -> (PipelineRun, RunParameters) {
        let parameters: RunParameters
        do {
            let template = try catalog.template(for: identity)
            parameters = try RunParameters(body: body, declared: template.parameters)
        } catch {
            throw .template(error)
        }
        let run = try store.createRun(identity, parameters: parameters, instanceID: instanceID)
        return (run, parameters)
    }

    /// Run ids are lowercase UUIDs; anything else cannot name a run.
    static func isRunID(_ text: String) -> Bool {
        text.utf8.count == 36 && UUID(uuidString: text) != nil && text == text.lowercased()
    }
}
