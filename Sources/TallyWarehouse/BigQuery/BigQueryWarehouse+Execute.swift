extension BigQueryWarehouse {
    /// Runs DML atomically; `expectedRows` turns a batch into a compare-and-set.
    ///
    /// One unconditional statement runs as its own DML job (a single DML statement is atomic in BigQuery).
    /// Anything else runs as one `TransactionScript`: `ASSERT @@row_count = N` after each conditioned statement,
    /// and a failed assertion aborts the script, which rolls the whole transaction back → `.conditionFailed`.
    ///
    /// Why the one-active-run rule holds (two `createRun`s racing, each `INSERT … WHERE NOT EXISTS (active)`):
    /// BigQuery transactions use snapshot isolation, and appends do not conflict with anything, so two such
    /// transactions alone could both see "no active run" and both insert (write skew; the peer shows it too).
    /// Therefore every conditioned batch first increments the single row of the dataset's `_tally_lock` table.
    /// BigQuery lets no two transactions that mutate rows of the same table run concurrently: the conflicting
    /// one is aborted ("Transaction is aborted due to concurrent update") with none of its changes applied.
    /// So of two overlapping compare-and-set batches in a dataset at most one commits; the loser is re-run
    /// here from scratch (new attempt id) and then reads a snapshot that includes the winner's commit, so its
    /// condition is evaluated against the winner's result. Batches that do not overlap are ordered by their
    /// snapshots anyway. This serializes compare-and-set per dataset (one tenant), which is cheap at Tally's
    /// rates. The guarantee rests on BigQuery's documented transaction concurrency, and precisely on one
    /// assumption no local test can prove: a write-write conflict is detected also when the winner commits
    /// between the loser's snapshot and the loser's own update of the lock row (first committer wins, as
    /// snapshot isolation requires). The local peer (DuckLake) behaves so ("Failed to commit … transaction"
    /// for the loser); without the lock row it lets two runs start, which is why the row is there.
    ///
    /// Counts: a conditioned statement's count is its `expectedRows` (the batch committed, so it held); others
    /// come from the script's child jobs (`numDmlAffectedRows`), matched to statements by the line in their
    /// stack frame, or, where a server gives no stack frames (the peer), by order; DDL counts 0.
    public func execute(
        _ statements: [SQLStatement], in dataset: String, options: JobOptions
    ) throws(WarehouseError) -> [Int] {
        try Self.validate(dataset: dataset)
        guard !statements.isEmpty else { return [] }
        if statements.count == 1, statements[0].expectedRows == nil {
            let bound = try BoundSQL(statements[0].sql, statements[0].parameters)
            var query = bound.queryFields(defaultDataset: dataset, project: project)
            if let limit = bytesBilledLimit(options) { query["maximumBytesBilled"] = limit }
            do {
                let job = try runJob(kind: "dml", dataset: dataset, query: query, options: options)
                return [Int(job["statistics"]?["query"]?["numDmlAffectedRows"]?.int64 ?? 0)]
            } catch {
                throw error.warehouseError(dataset: dataset)
            }
        }
        let locked = statements.contains { $0.expectedRows != nil }
        let (job, script) = try runTransaction(statements, in: dataset, lock: locked, options: options)
        return try counts(of: statements, script: script, job: job, locked: locked)
    }

    /// Runs `statements` (then `trailing`) as one transaction, re-running it after a lost conflict.
    func runTransaction(
        _ statements: [SQLStatement], trailing: [String] = [], in dataset: String, lock: Bool, options: JobOptions
    ) throws(WarehouseError) -> (job: BigQueryJSON, script: TransactionScript) {
        let lockTable = try TableRef(dataset: dataset, table: TransactionScript.lockTable)
        let script = try TransactionScript(
            statements, trailing: trailing, lock: lock ? lockTable : nil, project: project)
        var query = script.queryFields(dataset: dataset, project: project)
        if let limit = bytesBilledLimit(options) { query["maximumBytesBilled"] = limit }
        let configuration: BigQueryJSON = .object([
            "query": .object(query), "labels": jobLabels(options, dataset: dataset), "jobTimeoutMs": jobTimeoutMs,
        ])
        let id = JobID(kind: "txn", dataset: dataset)
        var attempt = 0
        var createdLock = false
        while true {
            do {
                let job = try api.runJob(
                    id: id.attempt(attempt), configuration: configuration, timeout: self.options.jobTimeout)
                return (job, script)
            } catch {
                if let index = TransactionScript.failedCondition(in: error) {
                    throw .conditionFailed(statementIndex: index)
                }
                if lock, !createdLock, error.reason == "notFound", error.message.contains(TransactionScript.lockTable) {
                    try createLockTable(in: dataset)  // a dataset created before this warehouse existed
                    createdLock = true
                } else if error.isConcurrentUpdate || (error.status == 200 && error.isRetryable) {
                    guard attempt + 1 < self.options.conflictAttempts else {
                        throw .unavailable("transaction kept losing to concurrent updates in \(dataset)")
                    }
                    api.sleep(api.retry.delay(forAttempt: min(attempt + 1, 5)))
                } else {
                    throw error.warehouseError(dataset: dataset)
                }
                attempt += 1
            }
        }
    }

    /// `CREATE TABLE IF NOT EXISTS … AS SELECT 0 AS version`: the table appears with its one row atomically,
    /// so concurrent creators cannot leave it empty or doubled; one that loses the race sees "Already Exists".
    func createLockTable(in dataset: String) throws(WarehouseError) {
        let lock = try TableRef(dataset: dataset, table: TransactionScript.lockTable)
        let query: [String: BigQueryJSON] = [
            "query": .string("CREATE TABLE IF NOT EXISTS \(quoted(lock)) AS SELECT 0 AS version"),
            "useLegacySql": .bool(false),
        ]
        do {
            _ = try runJob(kind: "lock", dataset: dataset, query: query, options: JobOptions())
        } catch let error where error.reason == "duplicate" || error.message.contains("Already Exists") {
            return
        } catch {
            throw error.warehouseError(dataset: dataset)
        }
    }
}
