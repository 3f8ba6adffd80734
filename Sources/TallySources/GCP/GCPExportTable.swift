import Foundation
import TallyGoogleAuth
import TallyHTTPClient
import TallyWarehouse

/// The export where Cloud Billing writes it: the BigQuery table `billing_export_table` names, in the tenant's
/// own project, read as the tenant (the gcp credential's service-account key), whichever warehouse Tally
/// itself runs on.
///
/// One query per run (`GCPExportTableQuery`): jobs.query in the table's project and location, then
/// getQueryResults page by page, each row decoded as it arrives, so memory is bounded by a page, not the
/// window. Errors name the table, the endpoint and BigQuery's reason, never the key, the token or row data.
struct GCPExportTable: GCPExportSource {
    /// How to reach BigQuery; one per process, shared by every tenant's runs.
    struct Connection: Sendable {
        /// Production, or `BIGQUERY_EMULATOR_HOST` (as the warehouse honours it).
        var baseURL: String
        /// Configured for BigQuery (`BigQueryWarehouse.httpConfiguration`): long waits, large pages.
        var http: HTTPClient
        var retry: RetryPolicy
        /// Page size bounds memory; the wait stays below the HTTP timeout.
        var paging = BigQueryClient.Paging(pageSize: 5_000, wait: .seconds(5), timeout: .seconds(600))

        init(environment: [String: String], retry: RetryPolicy) {
            baseURL = BigQueryEndpoint.baseURL(environment: environment)
            http = HTTPClient(configuration: BigQueryWarehouse.httpConfiguration)
            self.retry = retry
        }
    }

    /// Read-only: the tenant's key is only ever used to read, so a token minted from it can do no more.
    /// jobs.query, getQueryResults and tables.get all accept this scope (BigQuery's discovery document).
    static let scopes = ["https://www.googleapis.com/auth/cloud-platform.read-only"]

    var query: GCPExportTableQuery
    var paging: BigQueryClient.Paging
    /// For the table's project. Its location is a placeholder until tables.get tells the table's own.
    private var client: BigQueryClient

    var endpoint: String { "billing_export_table" }

    /// Fails on a malformed table name or an unusable key, before anything is sent.
    init(table: String, serviceAccountKey: String, connection: Connection) throws(SourceError) {
        query = try GCPExportTableQuery(table)
        paging = connection.paging
        let tokens: any TokenSource
        do {
            let credentials = try ServiceAccountCredentials(json: Array(serviceAccountKey.utf8))
            tokens = CachedTokenSource(
                try ServiceAccountTokenSource(credentials: credentials, scopes: Self.scopes, client: connection.http))
        } catch {
            throw SourceError.credential("GCP", error.description)
        }
        client = BigQueryClient(
            project: query.project, location: "US", baseURL: connection.baseURL, tokens: tokens,
            http: connection.http, retry: connection.retry)
    }

    /// Pages arrive one after the other, so records are decoded on the calling thread (worker 0).
    func forEachRecord(in window: CostWindow, workers: Int, _ body: @escaping GCPExportRecordBody) throws {
        var pages = try start(window)
        var ids = GCPExportRowIDs()
        let strings = JSONStringTable()
        var number = 0
        while let rows = try next(&pages) {
            for row in rows {
                number += 1
                guard case .string(let json)? = row["f"]?.array?.first?["v"] else {
                    throw failure("row \(number) is not one JSON text")
                }
                let bytes = Array(json.utf8)
                let record: GCPExportRecord
                let day: UTCDay
                do {
                    record = try GCPExportRecord(line: bytes, strings: strings)
                    day = try GCPFocusMapper.usageDay(record)
                } catch {
                    throw failure("row \(number): \(error)")
                }
                // The query already windows; the same rule as the file source keeps the two interchangeable.
                guard window.contains(day) else { continue }
                try body(0, record, day, ids.id(for: bytes[...]))
            }
        }
    }

    /// tables.get (the table must exist and be readable; its location places the job), then jobs.query.
    private func start(_ window: CostWindow) throws(SourceError) -> BigQueryResultPages {
        do {
            let table = try client.tableResource(dataset: query.dataset, table: query.table)
            let located = table["location"]?.string.map { client.located(in: $0) } ?? client
            return try located.read(
                query.sql, parameters: query.parameters(for: window), labels: ["tally_source": "gcp_billing_export"],
                paging: paging)
        } catch {
            throw failure(error.description)
        }
    }

    private func next(_ pages: inout BigQueryResultPages) throws(SourceError) -> [BigQueryJSON]? {
        do {
            return try pages.next()
        } catch {
            throw failure(error.description)
        }
    }

    private func failure(_ reason: String) -> SourceError {
        SourceError("GCP billing export table \(query.project).\(query.dataset).\(query.table): \(reason)")
    }
}
