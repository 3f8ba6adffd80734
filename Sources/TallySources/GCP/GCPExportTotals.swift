import TallyWarehouse

/// The export's own totals per usage day, currency and invoice month (`cost_source_totals`), which the
/// template's reconciliation checks compare `focus_costs` with.
///
/// Summed apart from the mapping: row counts, and cost and credits added exactly from the amounts' literal
/// text (`ExactAmount`), where the FOCUS rows carry the mapper's `Double` arithmetic. A row the mapping
/// dropped, duplicated or netted wrongly therefore fails the run instead of publishing numbers that do not
/// match the bill.
struct GCPExportTotals {
    static let output = "totals"

    static let tableSchema = TableSchema(
        fields: [
            .init(name: "x_source", type: .string, mode: .required),
            .init(name: "x_usage_date", type: .date, mode: .required, description: "UTC usage day"),
            .init(name: "currency", type: .string, description: "as the source writes it"),
            .init(name: "invoice_month", type: .string),
            .init(name: "row_count", type: .int64, mode: .required),
            .init(name: "cost", type: .numeric, mode: .required, description: "sum of cost"),
            .init(name: "credits", type: .numeric, mode: .required, description: "sum of the credits' amounts"),
            .init(name: "total", type: .numeric, mode: .required, description: "cost + credits (billed cost)"),
        ],
        description: "Each cost source's own totals per usage day, currency and invoice month, as it reported them.")

    private struct Key: Hashable {
        var day: UTCDay
        var currency: String?
        var invoiceMonth: String?
    }

    private struct Sums {
        var rows: Int64 = 0
        var cost = ExactAmount()
        var credits = ExactAmount()
    }

    private var sums: [Key: Sums] = [:]
    private var last: (key: Key, sums: Sums)?

    /// Adds one export row. Rows arrive grouped by day, so the current group is kept out of the dictionary.
    mutating func add(_ record: GCPExportRecord, day: UTCDay) throws(SourceError) {
        let key = Key(day: day, currency: record.currency, invoiceMonth: record.invoiceMonth)
        var current: Sums
        if let last, last.key == key {
            current = last.sums
        } else {
            if let last { sums[last.key] = last.sums }
            current = sums[key] ?? Sums()
        }
        current.rows += 1
        guard current.cost.add(record.costText ?? "0") else { throw SourceError("cost is not a number") }
        for credit in record.credits where !current.credits.add(credit.amountText ?? "0") {
            throw SourceError("a credit amount is not a number")
        }
        last = (key, current)
    }

    /// Adds another worker's totals.
    mutating func merge(_ other: GCPExportTotals) {
        var all = allSums
        for (key, value) in other.allSums {
            var current = all[key] ?? Sums()
            current.rows += value.rows
            current.cost.add(value.cost)
            current.credits.add(value.credits)
            all[key] = current
        }
        sums = all
        last = nil
    }

    private var allSums: [Key: Sums] {
        var all = sums
        if let last { all[last.key] = last.sums }
        return all
    }

    /// The totals as rows of `tableSchema`, ordered by day and currency.
    func batch(source: String) -> RowBatch {
        let all = allSums
        var batch = RowBatch(columns: Self.tableSchema.columnNames, capacity: all.count)
        let ordered = all.sorted {
            ($0.key.day, $0.key.currency ?? "", $0.key.invoiceMonth ?? "")
                < ($1.key.day, $1.key.currency ?? "", $1.key.invoiceMonth ?? "")
        }
        for (key, sum) in ordered {
            var total = sum.cost
            total.add(sum.credits)
            batch.append([
                .string(source), .date(key.day.description), key.currency.map(WarehouseValue.string) ?? .null,
                key.invoiceMonth.map(WarehouseValue.string) ?? .null, .int(sum.rows), .double(sum.cost.double),
                .double(sum.credits.double), .double(total.double),
            ])
        }
        return batch
    }
}
