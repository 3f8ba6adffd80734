extension BigQueryWarehouse {
    static let dmlStatementTypes: Set<String> = ["INSERT", "UPDATE", "DELETE", "MERGE"]

    /// Each statement's affected rows after its transaction committed (see `execute`).
    func counts(
        of statements: [SQLStatement], script: TransactionScript, job: BigQueryJSON, locked: Bool
    ) throws(WarehouseError) -> [Int] {
        var counts = statements.map { $0.expectedRows }
        let isDML = statements.map { Self.dmlStatementTypes.contains(SQLScanner($0.sql).firstWord ?? "") }
        for index in counts.indices where counts[index] == nil && !isDML[index] { counts[index] = 0 }
        guard counts.contains(nil) else { return counts.map { $0 ?? 0 } }
        guard let jobID = job["jobReference"]?["jobId"]?.string else { throw .io("script job without an id") }
        let children: [BigQueryJSON]
        do {
            children = try api.childJobs(of: jobID)
        } catch {
            throw error.warehouseError()
        }
        let dml = children.filter {
            Self.dmlStatementTypes.contains($0["statistics"]?["query"]?["statementType"]?.string ?? "")
        }
        let affected = { (child: BigQueryJSON) in
            Int(child["statistics"]?["query"]?["numDmlAffectedRows"]?.int64 ?? 0)
        }
        // BigQuery: each child's primary stack frame (the last) gives its line in the script.
        for child in dml {
            guard let frame = child["statistics"]?["scriptStatistics"]?["stackFrames"]?.array?.last,
                let line = frame["startLine"]?.int64,
                let index = script.lines.firstIndex(where: { $0.contains(Int(line)) })
            else { continue }
            if counts[index] == nil { counts[index] = affected(child) }
        }
        if counts.contains(nil) {
            // No stack frames: children in execution order, the lock increment first.
            let ordered = dml.sorted { Self.executionOrder($0) < Self.executionOrder($1) }.dropFirst(locked ? 1 : 0)
            let targets = statements.indices.filter { isDML[$0] }
            guard ordered.count == targets.count else {
                throw .io("transaction committed, but its row counts could not be attributed to statements")
            }
            for (index, child) in zip(targets, ordered) where counts[index] == nil { counts[index] = affected(child) }
        }
        return counts.map { $0 ?? 0 }
    }

    /// Creation time, then the numeric suffix of `script_job_<parent>_<n>` ids for children in the same ms.
    private static func executionOrder(_ job: BigQueryJSON) -> (Int64, Int64) {
        let created = job["statistics"]?["creationTime"]?.int64 ?? 0
        let id = job["jobReference"]?["jobId"]?.string ?? ""
        let suffix = Int64(id.split(separator: "_").last ?? "") ?? 0
        return (created, suffix)
    }
}
