import Foundation
import TallyWarehouse

/// Executes one step of a run against the warehouse, writing only to the run's staging tables.
struct StepExecutor {
    let warehouse: any Warehouse
    let catalog: TemplateCatalog
    let identity: PipelineIdentity
    let parameters: [String: WarehouseValue]
    let options: JobOptions
    let log: RunLog
    let sources: SourceRegistry
    var staging: StagingPlan

    var dataset: String { identity.tenantID }

    /// Runs `step`; returns the rows it wrote (nil for checks).
    mutating func run(_ step: StepSpec) throws(StepFailure) -> Int? {
        do {
            switch step.type {
            case .query: return try runQuery(step)
            case .load: return try runLoad(step)
            case .extract: return try runExtract(step)
            case .dataQuality:
                try runChecks(step)
                return nil
            }
        } catch let error as StepFailure {
            throw error
        } catch let error as WarehouseError {
            throw StepFailure(message: error.description)
        } catch let error as TemplateError {
            throw StepFailure(message: error.description)
        } catch {
            throw StepFailure(message: "\(error)")
        }
    }

    /// Template SQL with variables filled in and earlier outputs pointed at their staging tables.
    func resolve(_ sql: String) throws(TemplateError) -> String {
        staging.rewrite(try TemplateVariables.substitute(sql, identity.variables))
    }

    private mutating func runQuery(_ step: StepSpec) throws -> Int {
        guard let text = step.sql?.text(for: warehouse.dialect) else {
            throw StepFailure(message: "step \(step.id) has no SQL for \(warehouse.dialect.rawValue)")
        }
        let sql = try resolve(text)
        let destination = step.destination ?? ""
        let schema = try step.schema.map { try catalog.schema(atRelativePath: $0) }
        let target = try prepareDestination(destination, step: step, schema: schema)
        let disposition: WriteDisposition = target.appendInto ? .append : .truncate
        return try warehouse.queryToTable(
            sql, parameters: parameters, destination: target.table, disposition: disposition, options: options)
    }

    private mutating func runLoad(_ step: StepSpec) throws -> Int {
        let schema = try catalog.schema(atRelativePath: step.schema ?? "")
        let path = try catalog.file(atRelativePath: step.source ?? "")
        let target = try prepareDestination(step.destination ?? "", step: step, schema: schema)
        return try NDJSONLoader(warehouse: warehouse, schema: schema, options: options)
            .load(path: path, into: target.table)
    }

    private mutating func runExtract(_ step: StepSpec) throws -> Int {
        guard let extractor = sources.extractors[step.source ?? ""] else {
            throw StepFailure(message: "step \(step.id): no source named '\(step.source ?? "")'")
        }
        var credential: SourceCredential?
        if let provider = extractor.provider {
            guard let resolver = sources.credentials,
                let found = try resolver.activeCredential(tenantID: dataset, provider: provider)
            else {
                throw StepFailure(
                    message:
                        "no active \(provider) credential: add one with POST /api/v1/tenants/{tenant_id}/credentials")
            }
            credential = found
        }
        let schema = try extractor.schema ?? step.schema.map { try catalog.schema(atRelativePath: $0) }
        guard let schema else {
            throw StepFailure(
                message: "step \(step.id): source \(extractor.name) needs the step's schema file (schema:)")
        }
        let target = try prepareDestination(step.destination ?? "", step: step, schema: schema)
        var auxiliary: [String: TableRef] = [:]
        for (output, outputSchema) in extractor.auxiliaryOutputs {
            guard let destination = step.outputs[output] else {
                throw StepFailure(message: "step \(step.id): map source output '\(output)' to a table (outputs:)")
            }
            auxiliary[output] = try prepareDestination(destination, step: step, schema: outputSchema).table
        }
        let request = ExtractRequest(tenantID: dataset, parameters: parameters, credential: credential)
        let (warehouse, options) = (self.warehouse, self.options)
        let writer = BatchWriter { batch in try warehouse.insert(batch, into: target.table, options: options) }
        let sink = ExtractSink(
            main: { batch in try writer.submit(batch) },
            auxiliary: { output, batch in
                guard let table = auxiliary[output] else { throw StepFailure(message: "no output '\(output)'") }
                try warehouse.insert(batch, into: table, options: options)
            },
            recycled: { columns in writer.recycledBatch(columns: columns) })
        do {
            try extractor.extract(request, into: sink)
        } catch {
            _ = try? writer.finish()
            throw error
        }
        return try writer.finish()
    }

    /// Makes the staging table for `destination` ready for this step's write. Returns it, and whether it
    /// already exists (the step appends to it) or not (the step's query creates it).
    private mutating func prepareDestination(
        _ destination: String, step: StepSpec, schema: TableSchema?
    ) throws -> (table: TableRef, appendInto: Bool) {
        let stagingTable = try staging.stagingTable(for: destination)
        let keepsExisting = step.writeDisposition == .append || step.partition != nil || step.replace != nil
        var exists: Bool
        if !staging.isStaged(destination) {
            let destinationTable = try TableRef(dataset: dataset, table: destination)
            let current = try warehouse.tableSchema(destinationTable)
            if step.writeDisposition == .empty, current != nil {
                let count = try warehouse.query(
                    "SELECT COUNT(*) FROM \(destinationTable)", parameters: [:], in: dataset, options: options)
                if (count.scalar?.intValue ?? 0) > 0 { throw WarehouseError.tableNotEmpty(destination) }
            }
            try warehouse.dropTable(stagingTable)
            if let schema { try warehouse.createTable(stagingTable, schema: schema) }
            exists = schema != nil
            if keepsExisting, current != nil {
                _ = try warehouse.queryToTable(
                    "SELECT * FROM \(destinationTable)", parameters: [:], destination: stagingTable,
                    disposition: exists ? .append : .truncate, options: options)
                exists = true
            }
            staging.markStaged(destination)
        } else {
            exists = true
            if !keepsExisting {
                try warehouse.dropTable(stagingTable)
                exists = schema != nil
                if let schema { try warehouse.createTable(stagingTable, schema: schema) }
            }
        }
        if exists, let predicate = try replacedRows(step) {
            let delete = SQLStatement("DELETE FROM \(stagingTable) WHERE \(predicate)", parameters: parameters)
            _ = try warehouse.execute([delete], in: dataset, options: options)
        }
        return (stagingTable, exists)
    }

    /// The rows a write replaces: its partition, its `replace` predicate, or both.
    private func replacedRows(_ step: StepSpec) throws -> String? {
        var predicates: [String] = []
        if let partition = step.partition { predicates.append("\(partition.column) = @\(partition.parameter)") }
        if let replace = step.replace { predicates.append("(\(try resolve(replace)))") }
        return predicates.isEmpty ? nil : predicates.joined(separator: " AND ")
    }

    /// Checks are read-only queries, so they run side by side (each scans the checked table; on a
    /// million-row load they take as long as the load's writing otherwise); results are logged in template
    /// order.
    private func runChecks(_ step: StepSpec) throws {
        let tableName = step.table ?? ""
        let table = staging.isStaged(tableName) ? staging.stagingName(for: tableName) : tableName
        var plans: [CheckPlan] = []
        for check in step.checks {
            var resolved = check
            resolved.filter = try check.filter.map(resolve)
            if let sql = check.sql {
                var perDialect: [SQLDialect: String] = [:]
                for dialect in SQLDialect.allCases {
                    if let text = sql.text(for: dialect) { perDialect[dialect] = try resolve(text) }
                }
                resolved.sql = SQLText(perDialect: perDialect)
            }
            plans.append(try CheckPlan(check: resolved, table: "\(dataset).\(table)", dialect: warehouse.dialect))
        }
        let results = CheckResults(count: plans.count)
        let planned = plans
        let (warehouse, dataset, options, parameters) = (self.warehouse, self.dataset, self.options, self.parameters)
        let lanes = min(plans.count, Self.checkLanes)
        DispatchQueue.concurrentPerform(iterations: lanes) { _ in
            // Each lane takes the next check when it is free, so one slow check does not hold a queue behind it.
            while let index = results.claimNext() {
                let plan = planned[index]
                results.set(index) {
                    try warehouse.query(
                        plan.sql, parameters: parameters.merging(plan.parameters) { $1 }, in: dataset, options: options
                    ).scalar
                }
            }
        }
        var failed: [String] = []
        for (index, check) in step.checks.enumerated() {
            let outcome = plans[index].evaluate(try results.get(index), reference: freshnessReference(check))
            try log.checkEvaluated(step: step.id, check: check, table: tableName, outcome: outcome)
            if !outcome.passed, check.severity == .error { failed.append(check.displayName) }
        }
        if !failed.isEmpty {
            throw StepFailure(message: "data quality checks failed: \(failed.joined(separator: ", "))")
        }
    }

    /// How many checks run at once: a pool connection each, one per core at most.
    private static let checkLanes = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))

    private func freshnessReference(_ check: CheckSpec) -> Date {
        if let name = check.referenceParameter, let day = parameters[name]?.stringValue,
            let end = CalendarDate.endOfDay(day)
        {
            return end
        }
        return Date()
    }
}

/// The scalars of a step's checks, filled in by concurrent lanes (each index written once).
private final class CheckResults: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Result<WarehouseValue?, any Error>]
    private var claimed = 0

    init(count: Int) {
        values = Array(repeating: .success(nil), count: count)
    }

    /// The next check no lane has taken yet, in template order.
    func claimNext() -> Int? {
        lock.withLock {
            guard claimed < values.count else { return nil }
            defer { claimed += 1 }
            return claimed
        }
    }

    func set(_ index: Int, _ body: () throws -> WarehouseValue?) {
        let result = Result { try body() }
        lock.withLock { values[index] = result }
    }

    func get(_ index: Int) throws -> WarehouseValue? {
        try lock.withLock { values[index] }.get()
    }
}

/// A step failed; the message is recorded in `step_logs` and on the run.
struct StepFailure: Error, Sendable {
    var message: String
}
