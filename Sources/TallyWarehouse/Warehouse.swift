/// Where tenant data lives: one dataset per tenant, holding all its tables.
///
/// Every data operation names the dataset it runs in. Implementations make only that dataset visible to
/// the SQL they run, so a template's SQL cannot reach another tenant's tables. SQL refers to tables as
/// `{dataset}.{table}`; named parameters are written `@name` and are always bound, never spliced.
///
/// Implementations: `SQLiteWarehouse` (embedded default, one database file per dataset) and a BigQuery one.
public protocol Warehouse: Sendable {
    /// The SQL dialect templates must be written in for this warehouse.
    var dialect: SQLDialect { get }

    // MARK: Datasets

    /// Creates the dataset if it does not exist; returns false when it already existed. Atomic: of two
    /// concurrent creators (in any process), exactly one gets `true`.
    func createDataset(_ dataset: String, labels: [String: String]) throws(WarehouseError) -> Bool
    func datasetExists(_ dataset: String) throws(WarehouseError) -> Bool
    /// Deletes the dataset and every table in it; no error when it does not exist.
    func deleteDataset(_ dataset: String) throws(WarehouseError)
    func listDatasets() throws(WarehouseError) -> [String]
    /// The dataset's labels (small key/value metadata), or nil when the dataset does not exist.
    func datasetLabels(_ dataset: String) throws(WarehouseError) -> [String: String]?
    /// Merges `labels` into the dataset's labels.
    func updateDatasetLabels(_ dataset: String, _ labels: [String: String]) throws(WarehouseError)

    // MARK: Tables

    /// Creates the table if it does not exist (an existing table is left as it is).
    func createTable(_ table: TableRef, schema: TableSchema) throws(WarehouseError)
    /// The table's schema, or nil when it does not exist.
    func tableSchema(_ table: TableRef) throws(WarehouseError) -> TableSchema?
    /// User-visible tables of the dataset, sorted; internal bookkeeping tables are not listed.
    func listTables(_ dataset: String) throws(WarehouseError) -> [String]
    /// Drops the table; no error when it does not exist.
    func dropTable(_ table: TableRef) throws(WarehouseError)

    // MARK: Queries and writes

    /// Runs a read-only query in `dataset` and returns all its rows.
    func query(
        _ sql: String, parameters: [String: WarehouseValue], in dataset: String, options: JobOptions
    ) throws(WarehouseError) -> QueryResult

    /// Writes a query's result into `destination` with a write disposition; returns the rows written.
    /// `WRITE_TRUNCATE` replaces the table's rows and schema, `WRITE_APPEND` adds rows (matching columns
    /// by name), `WRITE_EMPTY` fails with `.tableNotEmpty` unless the table is missing or empty.
    func queryToTable(
        _ sql: String, parameters: [String: WarehouseValue], destination: TableRef,
        disposition: WriteDisposition, options: JobOptions
    ) throws(WarehouseError) -> Int

    /// Appends rows to an existing table; values are checked against the table's schema. All rows are
    /// written or none.
    func insertRows(_ rows: [Row], into table: TableRef, options: JobOptions) throws(WarehouseError)

    /// Appends a batch of positional rows (bulk loads): like `insertRows`, all or none, columns matched by
    /// name once per batch instead of once per row. Columns the batch lacks are null.
    func insert(_ batch: RowBatch, into table: TableRef, options: JobOptions) throws(WarehouseError)

    /// Runs DML statements atomically in `dataset`: all apply or none does. A statement with
    /// `expectedRows` set that affects a different number of rows rolls the whole batch back and throws
    /// `.conditionFailed` — the building block for compare-and-set state changes such as "start a run
    /// only if none is active". Returns each statement's affected row count.
    func execute(
        _ statements: [SQLStatement], in dataset: String, options: JobOptions
    ) throws(WarehouseError) -> [Int]

    /// Replaces each destination table with its staged table, all together where the engine allows it,
    /// after `condition` (if any) succeeds in the same transaction. Staged tables cease to exist.
    /// This is how a run's output becomes visible only when the run succeeds.
    func promote(
        _ swaps: [TableSwap], condition: SQLStatement?, in dataset: String, options: JobOptions
    ) throws(WarehouseError)
}

extension Warehouse {
    /// Through `insertRows`, for engines whose bulk path takes keyed rows anyway.
    public func insert(_ batch: RowBatch, into table: TableRef, options: JobOptions) throws(WarehouseError) {
        try insertRows(batch.rows, into: table, options: options)
    }

    /// Runs one DML statement; returns the affected row count.
    @discardableResult
    public func execute(
        _ sql: String, parameters: [String: WarehouseValue] = [:], in dataset: String,
        options: JobOptions = JobOptions()
    ) throws(WarehouseError) -> Int {
        try execute([SQLStatement(sql, parameters: parameters)], in: dataset, options: options)[0]
    }

    public func query(
        _ sql: String, parameters: [String: WarehouseValue] = [:], in dataset: String
    ) throws(WarehouseError) -> QueryResult {
        try query(sql, parameters: parameters, in: dataset, options: JobOptions())
    }
}
