/// The embedded warehouse: one SQLite file per dataset under `root`, shared safely by any number of threads
/// and `tally serve` processes.
///
/// - Isolation: every connection sees one dataset only (`:memory:` main, the dataset file attached under its
///   name, further attaches refused), so caller SQL addresses `dataset.table` and nothing else.
/// - Concurrency: files are in WAL mode (readers never wait for writers); every write runs in
///   `BEGIN IMMEDIATE`, so writers queue on the busy timeout instead of deadlocking on a lock upgrade, and
///   busy beyond it becomes `.unavailable`.
/// - Connections are pooled per dataset and reused only while the dataset's path names the same file.
public final class SQLiteWarehouse: Warehouse {
    public let dialect = SQLDialect.sqlite
    let files: DatasetFiles
    private let pool = ConnectionPool()

    /// Opens the warehouse at `root` (normally `$TALLY_HOME/warehouse`), creating it owner-only if missing.
    public init(root: String) throws(WarehouseError) {
        files = try DatasetFiles(root: root)
    }

    // MARK: Datasets

    public func createDataset(_ dataset: String, labels: [String: String]) throws(WarehouseError) -> Bool {
        try Self.validate(dataset: dataset)
        if files.identity(of: dataset) != nil { return false }
        let scratch = try files.makeScratchFile(for: dataset)
        do throws(WarehouseError) {
            try initialize(scratch, as: dataset, labels: labels)
            return try files.publish(scratch, as: dataset)
        } catch {
            files.discard(scratch)
            throw error
        }
    }

    public func datasetExists(_ dataset: String) throws(WarehouseError) -> Bool {
        try Self.validate(dataset: dataset)
        return files.identity(of: dataset) != nil
    }

    public func deleteDataset(_ dataset: String) throws(WarehouseError) {
        try Self.validate(dataset: dataset)
        pool.evict(dataset)
        try files.remove(dataset)
    }

    public func listDatasets() throws(WarehouseError) -> [String] {
        try files.list()
    }

    public func datasetLabels(_ dataset: String) throws(WarehouseError) -> [String: String]? {
        do {
            return try withConnection(dataset) { connection throws(WarehouseError) in
                try SQLiteCatalog(connection: connection).labels()
            }
        } catch .datasetNotFound {
            return nil
        }
    }

    public func updateDatasetLabels(_ dataset: String, _ labels: [String: String]) throws(WarehouseError) {
        try withWriteTransaction(dataset) { connection throws(WarehouseError) in
            try SQLiteCatalog(connection: connection).mergeLabels(labels)
        }
    }

    /// Builds the dataset in its scratch file; the connection is closed (and the WAL folded in) on return.
    private func initialize(_ scratch: String, as dataset: String, labels: [String: String]) throws(WarehouseError) {
        let connection = try SQLiteConnection(dataset: dataset, uri: files.uri(ofPath: scratch))
        let catalog = SQLiteCatalog(connection: connection)
        try connection.run("BEGIN IMMEDIATE")
        try catalog.create()
        try catalog.mergeLabels(labels)
        try connection.run("COMMIT")
    }

    // MARK: Connections

    /// Runs `body` on a pooled connection to `dataset`, returning the connection to the pool afterwards
    /// unless it was left inside a transaction.
    func withConnection<Result>(
        _ dataset: String, _ body: (SQLiteConnection) throws(WarehouseError) -> Result
    ) throws(WarehouseError) -> Result {
        try Self.validate(dataset: dataset)
        guard let identity = files.identity(of: dataset) else {
            pool.evict(dataset)
            throw .datasetNotFound(dataset)
        }
        let pooled: PooledConnection
        if let idle = pool.take(dataset, identity: identity) {
            pooled = idle
        } else {
            pooled = try open(dataset, identity: identity)
        }
        defer { if !pooled.connection.inTransaction { pool.giveBack(pooled) } }
        return try body(pooled.connection)
    }

    private func open(_ dataset: String, identity: FileIdentity) throws(WarehouseError) -> PooledConnection {
        do throws(WarehouseError) {
            let uri = files.uri(ofPath: files.path(of: dataset))
            return PooledConnection(connection: try SQLiteConnection(dataset: dataset, uri: uri), identity: identity)
        } catch {
            // Deleted since it was checked: the `mode=rw` attach refuses to create it again.
            throw files.identity(of: dataset) == nil ? .datasetNotFound(dataset) : error
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: committed if it returns, rolled back if it throws.
    func withWriteTransaction<Result>(
        _ dataset: String, _ body: (SQLiteConnection) throws(WarehouseError) -> Result
    ) throws(WarehouseError) -> Result {
        try withConnection(dataset) { connection throws(WarehouseError) in
            try connection.run("BEGIN IMMEDIATE")
            do throws(WarehouseError) {
                let result = try body(connection)
                try connection.run("COMMIT")
                return result
            } catch {
                if connection.inTransaction { try? connection.run("ROLLBACK") }
                throw error
            }
        }
    }

    /// Dataset names become SQL schema names, so SQLite's own two are refused as well.
    static func validate(dataset: String) throws(WarehouseError) {
        let reserved = ["main", "temp"]
        guard Identifier.isValid(dataset), !reserved.contains(dataset.lowercased()) else {
            throw .invalidName(dataset)
        }
    }

    /// Table names starting with `__` are the warehouse's own.
    static func validate(table: TableRef) throws(WarehouseError) {
        try validate(dataset: table.dataset)
        guard !table.table.hasPrefix("__") else { throw .invalidName(table.table) }
    }
}
