import Foundation
import TallyHTTPClient
import TallyPipelines
import TallyWarehouse

/// `gcp_billing_export`: the tenant's GCP billing export, mapped to FOCUS 1.2 rows for `focus_costs`.
///
/// Reads the export named by the active gcp credential (`GCPExportSources`) and keeps the rows whose usage
/// day (UTC day of `usage_start_time`) falls in the run's window, never windowing by `export_time`: rows
/// exported late belong to their usage day and are picked up because every run re-pulls a trailing window (by
/// default back to the start of the previous month). Each record is decoded once and mapped in Swift
/// (`GCPFocusMapper`), so a million-row export costs one parse, not a raw table plus SQL JSON functions.
public struct GCPBillingExportExtractor: SourceExtractor {
    static let batchSize = 5_000

    /// For tenants whose credential names an export table.
    let bigQuery: GCPExportTable.Connection

    /// `environment` may set `BIGQUERY_EMULATOR_HOST`; `retry` applies to BigQuery calls.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        retry: RetryPolicy = BigQueryClient.defaultRetry
    ) {
        bigQuery = GCPExportTable.Connection(environment: environment, retry: retry)
    }

    public var name: String { "gcp_billing_export" }
    public var provider: String? { "gcp" }
    /// The step names `schemas/focus_costs.yml`.
    public var schema: TableSchema? { nil }
    /// `totals`: the export's own totals per day (`GCPExportTotals`), for the reconciliation checks.
    public var auxiliaryOutputs: [String: TableSchema] { [GCPExportTotals.output: GCPExportTotals.tableSchema] }

    public func extract(_ request: ExtractRequest, into sink: ExtractSink) throws {
        let source = try GCPExportSources.source(for: request.credential, bigQuery: bigQuery)
        var accountName: String?
        if case .string(let name)? = request.credential?.settings["billing_account_name"], !name.isEmpty {
            accountName = name
        }
        let window = try CostWindow(parameters: request.parameters, trailing: .previousMonth)
        let workers = try (0..<ParallelLines.defaultWorkers()).map { _ in
            Worker(mapper: try GCPFocusMapper(endpoint: source.endpoint, billingAccountName: accountName))
        }
        let emit = UnsafeSendable(sink)
        try source.forEachRecord(in: window, workers: workers.count) { index, record, day, rowID in
            let worker = workers[index]  // each worker thread only ever touches its own state
            do {
                try worker.mapper.map(record, day: day, rowID: rowID, into: &worker.batch)
                try worker.totals.add(record, day: day)
            } catch {
                throw SourceError("GCP billing export row \(rowID): \(error)")
            }
            if worker.batch.count >= Self.batchSize {
                try emit.value.emit(worker.batch)
                worker.batch =
                    emit.value.recycledBatch(columns: FocusColumn.names)
                    ?? RowBatch(
                        columns: FocusColumn.names, capacity: Self.batchSize,
                        textCapacity: worker.batch.textCount * 9 / 8)
            }
        }
        var totals = GCPExportTotals()
        for worker in workers {
            try sink.emit(worker.batch)
            totals.merge(worker.totals)
        }
        try sink.emit(totals.batch(source: "gcp"), to: GCPExportTotals.output)
    }

    /// One decoding thread's state; only that thread touches it while the source runs.
    private final class Worker: @unchecked Sendable {
        var mapper: GCPFocusMapper
        var batch = RowBatch(columns: FocusColumn.names, capacity: GCPBillingExportExtractor.batchSize)
        var totals = GCPExportTotals()

        init(mapper: GCPFocusMapper) {
            self.mapper = mapper
        }
    }
}

/// The sink crosses into the source's worker threads; `ExtractSink.emit` to the main output is thread-safe.
private struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
