import Foundation
import Logging
import TallyWarehouse

/// Executes a run: marks it RUNNING, runs its steps in dependency order into staging tables, records step
/// logs and check results, and publishes the output together with the SUCCESS status in one promotion.
/// A failure or cancellation drops the staging tables, so destinations keep their previous contents.
public struct PipelineRunner: Sendable {
    let warehouse: any Warehouse
    let catalog: TemplateCatalog
    let store: RunStore
    let sources: SourceRegistry
    let logger: Logger

    public init(
        warehouse: any Warehouse, catalog: TemplateCatalog, sources: SourceRegistry = SourceRegistry(), logger: Logger
    ) {
        self.warehouse = warehouse
        self.catalog = catalog
        self.store = RunStore(warehouse: warehouse)
        self.sources = sources
        self.logger = logger
    }

    /// Runs to completion and returns the run's final status.
    @discardableResult
    public func execute(runID: String, identity: PipelineIdentity, parameters: RunParameters) -> RunStatus {
        let dataset = identity.tenantID
        let started = Date()
        var metadata: Logger.Metadata = ["run": "\(runID)", "pipeline": "\(identity.pipelineID)"]
        guard
            (try? store.transition(
                runID, tenantID: dataset, from: [.pending], to: .running,
                set: [
                    "started_at": .timestamp(started)
                ])) == true
        else {
            return currentStatus(runID, dataset) ?? .cancelled
        }
        let options = JobOptions(labels: store.labels(identity, runID))
        let log = RunLog(warehouse: warehouse, dataset: dataset, runID: runID, options: options)
        var executor = StepExecutor(
            warehouse: warehouse, catalog: catalog, identity: identity, parameters: parameters.values,
            options: options, log: log, sources: sources, staging: StagingPlan(dataset: dataset, runID: runID))
        var rowsWritten = 0
        do {
            let template = try catalog.template(for: identity)
            let steps = try TemplateValidator.order(template.steps) { .invalid($0) }
            for step in steps {
                guard currentStatus(runID, dataset) == .running else { throw StepFailure(message: "cancelled") }
                rowsWritten += try runStep(step, executor: &executor, log: log)
            }
            let ended = Date()
            let success = store.transitionStatement(
                runID, tenantID: dataset, from: [.running], to: .success,
                set: [
                    "ended_at": .timestamp(ended), "duration_ms": .int(Int64(ended.timeIntervalSince(started) * 1000)),
                    "rows_written": .int(Int64(rowsWritten)),
                ])
            try warehouse.promote(try executor.staging.swaps(), condition: success, in: dataset, options: options)
            logger.info("run succeeded", metadata: metadata)
            return .success
        } catch {
            discardStaging(executor.staging)
            let message = (error as? StepFailure)?.message ?? "\(error)"
            let ended = Date()
            let failed = try? store.transition(
                runID, tenantID: dataset, from: [.running], to: .failed,
                set: [
                    "ended_at": .timestamp(ended), "duration_ms": .int(Int64(ended.timeIntervalSince(started) * 1000)),
                    "error_message": .string(String(message.prefix(2000))),
                ])
            metadata["error"] = "\(message)"
            let status = failed == true ? RunStatus.failed : (currentStatus(runID, dataset) ?? .failed)
            logger.info("run ended", metadata: metadata.merging(["status": "\(status.rawValue)"]) { $1 })
            return status
        }
    }

    private func runStep(_ step: StepSpec, executor: inout StepExecutor, log: RunLog) throws -> Int {
        let start = Date()
        let logID = try log.stepStarted(step, destination: step.destination ?? step.table, at: start)
        let rows: Int?
        do {
            rows = try executor.run(step)
        } catch {
            try? log.stepEnded(logID, started: start, status: "FAILED", rowsWritten: nil, error: error.message)
            throw error
        }
        try log.stepEnded(logID, started: start, status: "SUCCESS", rowsWritten: rows, error: nil)
        return rows ?? 0
    }

    private func discardStaging(_ staging: StagingPlan) {
        for swap in (try? staging.swaps()) ?? [] { try? warehouse.dropTable(swap.staging) }
    }

    private func currentStatus(_ runID: String, _ dataset: String) -> RunStatus? {
        (try? store.run(runID, tenantID: dataset))??.status
    }
}
