import TallyWarehouse

/// What `GCPExportTable` asks BigQuery for: the table `billing_export_table` names, and the query for a run's
/// window. Pure, so the SQL and its bound values are tested without a server.
///
/// Each result row is `TO_JSON_STRING` of a whole export row: the same JSON object as a line of the NDJSON
/// export, decoded by `GCPExportRecord(line:)`. Selecting the row rather than named columns reads whatever
/// columns the table has, so an older export (without `tags`, `price`, …) and a newer one (with columns
/// Google added since) both work without a tables.get schema walk.
///
/// The filter is on `usage_start_time` only. Exports are partitioned by `_PARTITIONTIME`, and a lower bound
/// on it would cut the bytes scanned, but the pseudo-column exists only on Google's own export tables (not on
/// copies, nor on the local peer tests run against), so it is not used until it can be tested.
struct GCPExportTableQuery: Sendable, Equatable {
    var project: String
    var dataset: String
    var table: String

    /// `project.dataset.table`. Checked again here (`CredentialValidation` checked it when it was stored)
    /// because the name is written into SQL: only ASCII letters, digits and `_` pass, plus `-` in a project or
    /// table and `:` in a (domain-scoped) project, as BigQuery names allow, so nothing can close the backquotes.
    init(_ name: String) throws(SourceError) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, Self.isIdentifier(parts[0], extra: "-:"), Self.isIdentifier(parts[1], extra: ""),
            Self.isIdentifier(parts[2], extra: "-")
        else { throw SourceError.credential("GCP", "billing_export_table must be project.dataset.table") }
        (project, dataset, table) = (parts[0], parts[1], parts[2])
    }

    var sql: String {
        """
        SELECT TO_JSON_STRING(t) AS row FROM `\(project).\(dataset).\(table)` AS t
        WHERE t.usage_start_time >= @usage_from AND t.usage_start_time < @usage_until
        """
    }

    /// The window as a half-open range of instants: from midnight UTC of its first day to midnight after its
    /// last, so the usage day of every row read (UTC day of `usage_start_time`) is in the window.
    func parameters(for window: CostWindow) -> [String: WarehouseValue] {
        ["usage_from": .timestamp(window.start.start), "usage_until": .timestamp(window.end.adding(days: 1).start)]
    }

    private static func isIdentifier(_ text: String, extra: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 1024
            && text.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
                        || extra.unicodeScalars.contains(scalar))
            }
    }
}
