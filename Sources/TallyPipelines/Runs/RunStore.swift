import Foundation
import TallyHTTP
import TallyWarehouse

/// Reads and changes run state in the tenant's `pipeline_runs`, `step_logs` and `dq_results` tables.
///
/// Every status change is a compare-and-set (`WHERE status = …` with an expected row count), so two
/// instances, a cancel and the reaper can race without a run ever going backwards or ending twice.
public struct RunStore: Sendable {
    public let warehouse: any Warehouse

    public init(warehouse: any Warehouse) {
        self.warehouse = warehouse
    }

    /// Inserts a PENDING run unless the pipeline already has an active one, in one atomic statement.
    ///
    /// `created_at` is never earlier than the pipeline's last `ended_at`: `now` is read before the statement
    /// waits for the write lock, which the previous run may hold while it records its end, and a run admitted
    /// after that one ended must not appear to have started before it.
    public func createRun(
        _ identity: PipelineIdentity, parameters: RunParameters, instanceID: String, now: Date = Date()
    ) throws(RunError) -> PipelineRun {
        let dataset = identity.tenantID
        let id = UUID().uuidString.lowercased()
        let json = String(decoding: (try? JSONCoding.encode(parameters.json)) ?? Array("{}".utf8), as: UTF8.self)
        let insert = SQLStatement(
            """
            INSERT INTO \(dataset).pipeline_runs (pipeline_logging_id, pipeline_id, tenant_id, provider, domain,
                template_name, status, trigger_by, parameters, created_at, instance_id, heartbeat_at)
            SELECT @id, @pipeline_id, @tenant_id, @provider, @domain, @template_name, 'PENDING', @trigger_by,
                @parameters, CASE WHEN last_end.ended > @now THEN last_end.ended ELSE @now END, @instance_id, @now
            FROM (SELECT MAX(ended_at) AS ended FROM \(dataset).pipeline_runs WHERE pipeline_id = @pipeline_id)
                AS last_end
            WHERE NOT EXISTS (SELECT 1 FROM \(dataset).pipeline_runs
                WHERE pipeline_id = @pipeline_id AND status IN ('PENDING', 'RUNNING'))
            """,
            parameters: [
                "id": .string(id), "pipeline_id": .string(identity.pipelineID), "tenant_id": .string(identity.tenantID),
                "provider": .string(identity.provider), "domain": .string(identity.domain),
                "template_name": .string(identity.templateName), "trigger_by": .string(parameters.triggerBy),
                "parameters": .json(json), "now": .timestamp(now), "instance_id": .string(instanceID),
            ],
            expectedRows: 1)
        do {
            _ = try warehouse.execute([insert], in: dataset, options: JobOptions(labels: labels(identity, id)))
        } catch .conditionFailed {
            let active = try? activeRun(pipelineID: identity.pipelineID, tenantID: dataset)
            throw .alreadyActive(runID: active?.pipelineLoggingID ?? "")
        } catch {
            throw .warehouse(error)
        }
        guard let run = try self.run(id, tenantID: dataset) else { throw .warehouse(.io("run vanished")) }
        return run
    }

    public func run(_ id: String, tenantID: String) throws(RunError) -> PipelineRun? {
        try select("WHERE pipeline_logging_id = @id", ["id": .string(id)], tenantID: tenantID, limit: 1).first
    }

    public func activeRun(pipelineID: String, tenantID: String) throws(RunError) -> PipelineRun? {
        try select(
            "WHERE pipeline_id = @pipeline_id AND status IN ('PENDING', 'RUNNING')",
            ["pipeline_id": .string(pipelineID)], tenantID: tenantID, limit: 1
        ).first
    }

    /// The tenant's runs, newest first, optionally filtered.
    public func listRuns(
        tenantID: String, pipelineID: String?, status: RunStatus?, limit: Int
    ) throws(RunError) -> [PipelineRun] {
        var conditions: [String] = []
        var parameters: [String: WarehouseValue] = [:]
        if let pipelineID {
            conditions.append("pipeline_id = @pipeline_id")
            parameters["pipeline_id"] = .string(pipelineID)
        }
        if let status {
            conditions.append("status = @status")
            parameters["status"] = .string(status.rawValue)
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try select(filter, parameters, tenantID: tenantID, limit: limit)
    }

    /// The run's steps and checks, in the order they ran.
    public func details(of run: PipelineRun) throws(RunError) -> RunDetails {
        let dataset = run.tenantID
        let parameters: [String: WarehouseValue] = ["id": .string(run.pipelineLoggingID)]
        do {
            let steps = try warehouse.query(
                "SELECT * FROM \(dataset).step_logs WHERE pipeline_logging_id = @id ORDER BY started_at, step_log_id",
                parameters: parameters, in: dataset)
            let checks = try warehouse.query(
                "SELECT * FROM \(dataset).dq_results WHERE pipeline_logging_id = @id ORDER BY checked_at, dq_result_id",
                parameters: parameters, in: dataset)
            return RunDetails(run: run, steps: steps.rows, dataQuality: checks.rows)
        } catch {
            throw .warehouse(error)
        }
    }

    /// Moves a run between states only if it is still in one of `from`; returns whether it moved.
    @discardableResult
    public func transition(
        _ id: String, tenantID: String, from: [RunStatus], to status: RunStatus,
        set extra: [String: WarehouseValue] = [:]
    ) throws(RunError) -> Bool {
        let statement = transitionStatement(id, tenantID: tenantID, from: from, to: status, set: extra)
        do {
            _ = try warehouse.execute([statement], in: tenantID, options: JobOptions())
            return true
        } catch .conditionFailed {
            return false
        } catch {
            throw .warehouse(error)
        }
    }

    /// The compare-and-set statement behind `transition`, also used as the condition of a run's promotion.
    public func transitionStatement(
        _ id: String, tenantID: String, from: [RunStatus], to status: RunStatus, set extra: [String: WarehouseValue]
    ) -> SQLStatement {
        var parameters = extra
        parameters["id"] = .string(id)
        parameters["new_status"] = .string(status.rawValue)
        let assignments = (["status = @new_status"] + extra.keys.sorted().map { "\($0) = @\($0)" })
            .joined(separator: ", ")
        let allowed = from.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return SQLStatement(
            "UPDATE \(tenantID).pipeline_runs SET \(assignments) WHERE pipeline_logging_id = @id AND status IN (\(allowed))",
            parameters: parameters, expectedRows: 1)
    }

    /// Refreshes an active run's heartbeat, proving its instance is alive.
    public func heartbeat(_ id: String, tenantID: String, now: Date = Date()) throws(RunError) {
        let statement = SQLStatement(
            """
            UPDATE \(tenantID).pipeline_runs SET heartbeat_at = @now
            WHERE pipeline_logging_id = @id AND status IN ('PENDING', 'RUNNING')
            """,
            parameters: ["id": .string(id), "now": .timestamp(now)])
        do {
            _ = try warehouse.execute([statement], in: tenantID, options: JobOptions())
        } catch {
            throw .warehouse(error)
        }
    }

    func labels(_ identity: PipelineIdentity, _ runID: String) -> [String: String] {
        ["tally_tenant": identity.tenantID, "tally_pipeline": identity.pipelineID, "tally_run": runID]
    }

    private func select(
        _ filter: String, _ parameters: [String: WarehouseValue], tenantID: String, limit: Int
    ) throws(RunError) -> [PipelineRun] {
        var parameters = parameters
        parameters["limit"] = .int(Int64(limit))
        do {
            let result = try warehouse.query(
                "SELECT * FROM \(tenantID).pipeline_runs \(filter) ORDER BY created_at DESC LIMIT @limit",
                parameters: parameters, in: tenantID)
            return result.rows.compactMap(PipelineRun.init(row:))
        } catch {
            throw .warehouse(error)
        }
    }
}
