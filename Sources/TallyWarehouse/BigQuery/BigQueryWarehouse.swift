import Foundation
import TallyGoogleAuth
import TallyHTTPClient

/// The production warehouse: BigQuery over REST v2, one dataset per tenant in one project and location.
///
/// - Datasets are named after the tenant and labelled `tally_tenant`; `listDatasets` lists only those.
/// - Reads use jobs.query + getQueryResults (paged, bounded); writes use jobs.insert jobs with ids fixed per
///   call (`JobID`), labelled with `JobOptions.labels` (tenant, pipeline, run) and capped by
///   `maximumBytesBilled`, so spend is attributable and bounded.
/// - Compare-and-set batches run as multi-statement transactions serialized by a lock row
///   (`BigQueryWarehouse+Execute.swift` says why that makes them atomic on BigQuery).
/// - `insertRows` never streams by default: rows it writes stay updatable at once (see `+Inserts`).
///
/// Isolation between tenants is not enforced by SQL inspection here: SQL comes from Tally's own templates
/// with tenant input bound as parameters, and `defaultDataset` is the tenant's. Hard isolation on BigQuery is
/// IAM's job (per-tenant service accounts), unlike the embedded engine, which can refuse other datasets.
public final class BigQueryWarehouse: Warehouse {
    public let dialect = SQLDialect.bigquery
    public let api: BigQueryClient
    /// Applied to every query job whose `JobOptions` do not set one.
    public let maximumBytesBilled: Int64?
    public let options: Options

    public var project: String { api.project }
    public var location: String { api.location }

    /// Tuning with production defaults; tests shrink them.
    public struct Options: Sendable {
        /// How long a job may run before Tally cancels it (also sent as `jobTimeoutMs`).
        public var jobTimeout: Duration = .seconds(600)
        /// jobs.query / getQueryResults `timeoutMs`; keep below the HTTP client's timeout.
        public var queryWait: Duration = .seconds(5)
        public var pageSize = 10_000
        /// A read returning more rows fails rather than filling memory.
        public var maxResultRows = 1_000_000
        /// Up to this many rows (and 9,000 values) go in by DML INSERT; more by load job (see `+Inserts`).
        public var dmlInsertRows = 500
        /// NDJSON per load-job upload; a larger insert is staged in parts and copied in one job.
        public var uploadBytes = 8 << 20
        /// Bulk inserts stream through tabledata.insertAll instead of load jobs (append-only tables only).
        public var streamBulkInserts = false
        /// Re-runs of a transaction that lost to a concurrent one before `.unavailable`.
        public var conflictAttempts = 12

        public init() {}
    }

    public init(
        project: String, location: String, baseURL: String = BigQueryEndpoint.production, tokens: any TokenSource,
        client: HTTPClient, maximumBytesBilled: Int64? = nil, options: Options = Options(),
        observer: BigQueryClient.Observer? = nil
    ) {
        api = BigQueryClient(
            project: project, location: location, baseURL: baseURL, tokens: tokens, http: client, observer: observer)
        self.maximumBytesBilled = maximumBytesBilled
        self.options = options
    }

    /// Over a prepared client (tests inject recorded responses through its transport).
    public init(api: BigQueryClient, maximumBytesBilled: Int64? = nil, options: Options = Options()) {
        self.api = api
        self.maximumBytesBilled = maximumBytesBilled
        self.options = options
    }

    /// An HTTP configuration fit for BigQuery: long enough for jobs.query's wait plus a margin, and room for
    /// large result pages.
    public static let httpConfiguration = HTTPClient.Configuration(
        connectTimeout: .seconds(10), timeout: .seconds(60), maxResponseBytes: 128 << 20, userAgent: "Tally-BigQuery")

    /// Dataset ids are Tally identifiers (BigQuery allows `[A-Za-z0-9_]{1,1024}`, a superset).
    static func validate(dataset: String) throws(WarehouseError) {
        guard Identifier.isValid(dataset) else { throw .invalidName(dataset) }
    }

    /// `_tally_…` tables are the warehouse's own and `__…` are reserved, as in the embedded engine.
    static func validate(table: TableRef) throws(WarehouseError) {
        guard !table.table.hasPrefix("__"), !table.table.lowercased().hasPrefix("_tally_") else {
            throw .invalidName(table.table)
        }
    }

    static func isInternal(_ table: String) -> Bool {
        table.hasPrefix("__") || table.lowercased().hasPrefix("_tally_")
    }

    func datasetPath(_ dataset: String) -> String {
        "datasets/" + BigQueryEndpoint.escape(dataset)
    }

    func tablePath(_ table: TableRef) -> String {
        datasetPath(table.dataset) + "/tables/" + BigQueryEndpoint.escape(table.table)
    }

    func reference(_ table: TableRef) -> BigQueryJSON {
        .object([
            "projectId": .string(project), "datasetId": .string(table.dataset), "tableId": .string(table.table),
        ])
    }

    /// `` `project.dataset.table` `` for generated SQL; both names are validated identifiers.
    func quoted(_ table: TableRef) -> String {
        "`\(project).\(table.dataset).\(table.table)`"
    }

    /// Job labels: the caller's (tenant, pipeline, run), made fit for BigQuery (a pipeline id can be longer
    /// than 63 characters), and the tenant's dataset when the caller gave none, so every job is attributable.
    func jobLabels(_ options: JobOptions, dataset: String) -> BigQueryJSON {
        var labels: [String: BigQueryJSON] = [:]
        for (key, value) in options.labels {
            if let key = BigQueryLabels.sanitizedKey(key) {
                labels[key] = .string(BigQueryLabels.sanitizedValue(value))
            }
        }
        if labels["tally_tenant"] == nil { labels["tally_tenant"] = .string(BigQueryLabels.sanitizedValue(dataset)) }
        return .object(labels)
    }

    func bytesBilledLimit(_ options: JobOptions) -> BigQueryJSON? {
        (options.maximumBytesBilled ?? maximumBytesBilled).map { .string(String($0)) }
    }

    var jobTimeoutMs: BigQueryJSON {
        .string(String(options.jobTimeout.components.seconds * 1000))
    }
}
