import Foundation
import TallyWarehouse

/// Writes a run's `step_logs` and `dq_results` rows as the run proceeds, so an operator can follow it.
struct RunLog: Sendable {
    let warehouse: any Warehouse
    let dataset: String
    let runID: String
    let options: JobOptions

    /// Records a step as RUNNING; returns the log row's id.
    func stepStarted(_ step: StepSpec, destination: String?, at start: Date) throws(WarehouseError) -> String {
        let id = UUID().uuidString.lowercased()
        let row: Row = [
            "step_log_id": .string(id), "pipeline_logging_id": .string(runID), "step_id": .string(step.id),
            "step_type": .string(step.type.rawValue), "status": .string("RUNNING"),
            "destination_table": destination.map { .string($0) } ?? .null, "started_at": .timestamp(start),
        ]
        try warehouse.insertRows([row], into: TableRef(dataset: dataset, table: "step_logs"), options: options)
        return id
    }

    func stepEnded(
        _ logID: String, started: Date, status: String, rowsWritten: Int?, error: String?
    ) throws(WarehouseError) {
        let now = Date()
        let statement = SQLStatement(
            """
            UPDATE \(dataset).step_logs SET status = @status, ended_at = @ended_at, duration_ms = @duration_ms,
                rows_written = @rows_written, error_message = @error_message
            WHERE step_log_id = @id
            """,
            parameters: [
                "id": .string(logID), "status": .string(status), "ended_at": .timestamp(now),
                "duration_ms": .int(Int64(now.timeIntervalSince(started) * 1000)),
                "rows_written": rowsWritten.map { .int(Int64($0)) } ?? .null,
                "error_message": error.map { .string(String($0.prefix(2000))) } ?? .null,
            ])
        _ = try warehouse.execute([statement], in: dataset, options: options)
    }

    func checkEvaluated(
        step: String, check: CheckSpec, table: String, outcome: CheckOutcome
    ) throws(WarehouseError) {
        let row: Row = [
            "dq_result_id": .string(UUID().uuidString.lowercased()), "pipeline_logging_id": .string(runID),
            "step_id": .string(step), "check_name": .string(check.displayName),
            "check_type": .string(check.type.rawValue), "table_name": .string(table),
            "severity": .string(check.severity.rawValue), "status": .string(outcome.passed ? "PASS" : "FAIL"),
            "observed_value": .string(outcome.observed), "expected_value": .string(outcome.expected),
            "checked_at": .timestamp(Date()),
        ]
        try warehouse.insertRows([row], into: TableRef(dataset: dataset, table: "dq_results"), options: options)
    }
}
