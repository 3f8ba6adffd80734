/// A batch of statements as one BigQuery script in a multi-statement transaction:
///
///     BEGIN TRANSACTION;
///     UPDATE `p.d._tally_lock` SET version = version + 1 WHERE TRUE;
///     <statement 0>;
///     ASSERT @@row_count = 1 AS 'tally:condition:0';
///     <statement 1>;
///     COMMIT TRANSACTION;
///
/// A statement's `expectedRows` becomes an `ASSERT` right after it; a failed assertion fails the script, and
/// BigQuery rolls back a transaction its script leaves by an error, so nothing of the batch applies. The
/// lock row (present when `lock` is set, i.e. for compare-and-set batches) is what makes concurrent batches
/// serialize; see `BigQueryWarehouse+Execute.swift`. Every statement starts on a line of its own, so child
/// jobs can be traced back to it by their stack frame's line.
struct TransactionScript {
    static let lockTable = "_tally_lock"
    static let conditionMarker = "tally:condition:"

    let sql: String
    let parameters: [BigQueryJSON]
    /// The 1-based script lines of each caller statement.
    let lines: [ClosedRange<Int>]

    /// `trailing` is SQL of Tally's own (promotion's copies), run after the caller statements.
    init(
        _ statements: [SQLStatement], trailing: [String] = [], lock: TableRef?, project: String
    ) throws(WarehouseError) {
        var parts = ["BEGIN TRANSACTION;"]
        if let lock {
            parts.append(
                "UPDATE `\(project).\(lock.dataset).\(lock.table)` SET version = version + 1 WHERE TRUE;")
        }
        var parameters: [BigQueryJSON] = []
        var lines: [ClosedRange<Int>] = []
        for (index, statement) in statements.enumerated() {
            let bound = try BoundSQL(statement.sql, statement.parameters, prefix: "s\(index)_")
            let first = Self.lineCount(parts) + 1
            parts.append(bound.sql + ";")
            lines.append(first...(Self.lineCount(parts)))
            parameters += bound.parameters
            if let expected = statement.expectedRows {
                parts.append("ASSERT @@row_count = \(expected) AS '\(Self.conditionMarker)\(index)';")
            }
        }
        parts += trailing.map { $0 + ";" }
        parts.append("COMMIT TRANSACTION;")
        sql = parts.joined(separator: "\n")
        self.parameters = parameters
        self.lines = lines
    }

    /// The index of the statement whose condition failed, from the error BigQuery reports for a failed
    /// `ASSERT` (its description, possibly followed by a position such as " at [4:1]").
    static func failedCondition(in error: BigQueryError) -> Int? {
        guard let range = error.message.range(of: conditionMarker) else { return nil }
        return Int(error.message[range.upperBound...].prefix { $0.isNumber })
    }

    /// The `query` part of the job configuration.
    func queryFields(dataset: String, project: String) -> [String: BigQueryJSON] {
        var fields: [String: BigQueryJSON] = [
            "query": .string(sql), "useLegacySql": .bool(false),
            "defaultDataset": .object(["projectId": .string(project), "datasetId": .string(dataset)]),
        ]
        if !parameters.isEmpty {
            fields["parameterMode"] = .string("NAMED")
            fields["queryParameters"] = .array(parameters)
        }
        return fields
    }

    private static func lineCount(_ parts: [String]) -> Int {
        parts.reduce(0) { $0 + $1.utf8.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) } }
    }
}
