import Foundation
import TallyPipelines
import TallyWarehouse

/// `gcp_billing_export`: streams the newline-delimited JSON export named by the credential's
/// `billing_export_file` setting and keeps the rows whose usage day (UTC day of `usage_start_time`) falls in
/// the run's window.
///
/// The raw load is windowed by usage date, never by `export_time`: rows exported late (days after their usage,
/// or onto the next invoice month) belong to their usage day and are picked up because every run re-pulls a
/// trailing window (by default back to the start of the previous month). Unknown keys are skipped and missing
/// ones read as null, since the export's schema grows.
public struct GCPBillingExportExtractor: SourceExtractor {
    static let batchSize = 5_000

    public init() {}

    public var name: String { "gcp_billing_export" }
    public var provider: String? { "gcp" }
    public var schema: TableSchema { GCPExportSchema.table }

    public func extract(_ request: ExtractRequest, emit: ([Row]) throws -> Void) throws {
        let path = try Self.exportFile(request.credential)
        var accountName = WarehouseValue.null
        if case .string(let name)? = request.credential?.settings["billing_account_name"], !name.isEmpty {
            accountName = .string(name)
        }
        let window = try CostWindow(parameters: request.parameters, trailing: .previousMonth)
        let decoder = RowDecoder(schema: TableSchema(fields: GCPExportSchema.exportFields))
        var months = try PacificMonths()
        var invoiceMonths: [String: String?] = [:]
        var batch: [Row] = []
        try LineReader(path: path).forEachLine { line, number in
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            var row: Row
            do {
                row = try decoder.decode(line: line)
            } catch {
                throw SourceError("GCP billing export line \(number): \(error)")
            }
            guard let start = row["usage_start_time"]?.timestampValue else {
                throw SourceError("GCP billing export line \(number): usage_start_time is missing")
            }
            let day = UTCDay(containing: start)
            guard window.contains(day) else { return }
            let usageMonth = months.month(of: start)
            let invoiceText = row["invoice"]?.stringValue ?? ""
            if invoiceMonths[invoiceText] == nil { invoiceMonths[invoiceText] = Self.invoiceMonth(invoiceText) }
            let invoiceMonth = invoiceMonths[invoiceText] ?? nil
            guard let period = months.period(invoiceMonth: invoiceMonth ?? String(usageMonth)) else {
                throw SourceError("GCP billing export line \(number): invoice.month is not YYYYMM")
            }
            row["x_usage_date"] = .date(day.description)
            row["x_billing_period_start"] = .timestamp(period.start)
            row["x_billing_period_end"] = .timestamp(period.end)
            row["x_usage_month"] = .string(String(usageMonth))
            row["x_billing_account_name"] = accountName
            row["x_source_row_id"] = .string("gcp:\(number):\(Self.hash(line))")
            batch.append(row)
            if batch.count >= Self.batchSize {
                try emit(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try emit(batch)
    }

    /// The export file, or why there is none. The BigQuery table setting is for the BigQuery warehouse.
    static func exportFile(_ credential: SourceCredential?) throws -> String {
        let settings = credential?.settings ?? [:]
        if case .string(let path)? = settings["billing_export_file"], !path.isEmpty { return path }
        if settings["billing_export_table"] != nil {
            throw SourceError.credential("GCP", "billing_export_table needs the BigQuery warehouse")
        }
        throw SourceError.credential("GCP", "set billing_export_file (the export as newline-delimited JSON)")
    }

    /// `invoice.month` from the record's JSON text; nil when absent.
    private static func invoiceMonth(_ json: String) -> String? {
        struct Invoice: Decodable { var month: String? }
        return (try? JSONDecoder().decode(Invoice.self, from: Data(json.utf8)))?.month
    }

    /// FNV-1a (64 bit) of the line, as 16 hex digits: with the line number, a stable id for an identical file.
    static func hash(_ bytes: ArraySlice<UInt8>) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
