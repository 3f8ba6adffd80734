import TallyPipelines

/// Where a tenant's GCP export rows are read from: the NDJSON export file (`billing_export_file`, embedded
/// warehouse) or the export table in BigQuery (`billing_export_table`).
protocol GCPExportSource: Sendable {
    /// Written to `x_SourceEndpoint`.
    var endpoint: String { get }

    /// Calls `body` with every record whose usage day is in `window`, with that day and a stable row id.
    /// Sources may decode on up to `workers` threads at once; `body`'s first argument says which worker is
    /// calling (0..<workers), so callers keep state per worker instead of sharing it.
    func forEachRecord(in window: CostWindow, workers: Int, _ body: @escaping GCPExportRecordBody) throws
}

/// What a `GCPExportSource` calls for each record: worker index, record, usage day, row id.
typealias GCPExportRecordBody = @Sendable (Int, GCPExportRecord, UTCDay, String) throws -> Void

enum GCPExportSources {
    /// The source the credential's settings name. The table comes first when both are set: it is the export
    /// itself, a file only a copy of it.
    static func source(
        for credential: SourceCredential?, bigQuery: GCPExportTable.Connection
    ) throws -> any GCPExportSource {
        let settings = credential?.settings ?? [:]
        if case .string(let table)? = settings["billing_export_table"], !table.isEmpty, let credential {
            return try GCPExportTable(table: table, serviceAccountKey: credential.secret, connection: bigQuery)
        }
        if case .string(let path)? = settings["billing_export_file"], !path.isEmpty { return GCPExportFile(path: path) }
        throw SourceError.credential(
            "GCP",
            "set billing_export_table (the BigQuery export table, project.dataset.table) or billing_export_file "
                + "(the export as newline-delimited JSON)")
    }
}
