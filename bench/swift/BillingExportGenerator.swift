import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `tally-bench generate-billing`: writes N deterministic rows shaped like GCP's standard usage cost export
/// (cost-sources.md §2) as NDJSON, streamed through a 1 MiB buffer, plus optionally the same rows as a flat CSV
/// (the row's scalars, credits summed) for the `sqlite3 .import` baseline, and a `FILE.meta` sidecar with the
/// row count and the usage days the rows span (so the benchmark knows the window to run).
///
/// Rows (seeded SplitMix64, so a seed always gives the same bytes): 12 services with their SKUs, 40 projects
/// with labels, usage days over one month (UTC hours), resource labels, system labels and tags on some rows,
/// negative credits (sustained use, committed use, free tier, promotions), ~1 % tax rows, ~0.3 % adjustments
/// (some correcting the previous invoice month), ~0.2 % rounding errors, ~1 % account-level rows without a
/// project (Support), ~4 % late rows (exported days after their usage; at the month's end they land on the next
/// invoice month). Amounts are whole micros, written with 6 decimals, so sums reconcile exactly.
struct BillingExportGenerator {
    let rows: Int
    let out: String
    let csv: String?
    let seed: UInt64
    let year: Int
    let month: Int

    init(_ options: Options) throws {
        rows = try options.int("rows", default: 1_000_000)
        out = try options.string("out")
        let csvPath = options.string("csv", default: "")
        csv = csvPath.isEmpty ? nil : csvPath
        seed = UInt64(try options.int("seed", default: 42, range: 0...Int.max))
        let monthText = options.string("month", default: "2025-10")
        let parts = monthText.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, (2000...2100).contains(parts[0]), (1...12).contains(parts[1]) else {
            throw UsageError(message: "--month must be YYYY-MM")
        }
        (year, month) = (parts[0], parts[1])
    }

    func run() throws {
        let days = Self.daysIn(year: year, month: month)
        let first = Self.epochDay(year: year, month: month, day: 1)
        let ndjson = try BufferedFile(path: out)
        let flat = try csv.map { try BufferedFile(path: $0) }
        flat?.write(Self.csvHeader)
        var rng = SplitMix64(seed: seed)
        var line: [UInt8] = []
        line.reserveCapacity(4096)
        var csvLine: [UInt8] = []
        csvLine.reserveCapacity(512)
        let start = monotonicNanoseconds()
        for index in 0..<rows {
            line.removeAll(keepingCapacity: true)
            csvLine.removeAll(keepingCapacity: true)
            let record = makeRow(index: index, days: days, firstDay: first, rng: &rng)
            record.json(into: &line)
            line.append(0x0A)
            ndjson.write(line)
            if let flat {
                record.csv(into: &csvLine)
                csvLine.append(0x0A)
                flat.write(csvLine)
            }
        }
        try ndjson.close()
        try flat?.close()
        let meta =
            "rows=\(rows) seed=\(seed) start_date=\(Self.dayText(first)) end_date=\(Self.dayText(first + days - 1))\n"
        try meta.write(toFile: out + ".meta", atomically: true, encoding: .utf8)
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        print(
            "RESULT op=generate-billing rows=\(rows) seconds=\(format(seconds, 2)) ndjson_bytes=\(ndjson.written) "
                + "csv_bytes=\(flat?.written ?? 0) start_date=\(Self.dayText(first)) "
                + "end_date=\(Self.dayText(first + days - 1))")
    }

    // MARK: - Rows

    private func makeRow(index: Int, days: Int, firstDay: Int, rng: inout SplitMix64) -> ExportRow {
        let day = firstDay + rng.below(days)
        let hour = rng.below(24)
        let startSeconds = day * 86_400 + hour * 3600
        var row = ExportRow()
        row.usageStart = startSeconds
        row.usageEnd = startSeconds + 3600
        row.exportTime = startSeconds + 3600 * (4 + rng.below(6))
        row.invoiceMonth = year * 100 + month
        let kind = rng.below(1000)
        if kind < 10 {  // tax: the account's, on a project
            row.costType = "tax"
            row.service = Catalog.tax
            row.sku = Catalog.tax.skus[0]
            row.project = Catalog.projects[rng.below(Catalog.projects.count)]
            row.costMicros = Int64(100_000 + rng.below(5_000_000))
            row.usageAmount = 1
            row.usageInPricingUnits = 1
            row.region = nil
        } else if kind < 20 {  // account level: Support, no project
            row.service = Catalog.support
            row.sku = Catalog.support.skus[0]
            row.project = nil
            row.costMicros = Int64(300_000 + rng.below(2_000_000))
            row.usageAmount = 1
            row.usageInPricingUnits = 1
            row.region = nil
        } else {
            let service = Catalog.services[rng.below(Catalog.services.count)]
            let sku = service.skus[rng.below(service.skus.count)]
            row.service = service
            row.sku = sku
            row.project = Catalog.projects[rng.below(Catalog.projects.count)]
            row.region = Catalog.regions[rng.below(Catalog.regions.count)]
            row.zone = service.zonal ? rng.below(3) : nil
            let pricingUnits = Double(1 + rng.below(400_000)) / 1000  // 0.001 ... 400
            row.usageInPricingUnits = pricingUnits
            row.usageAmount = pricingUnits * sku.unitsPerPricingUnit
            row.costMicros = Int64((pricingUnits * sku.microsPerPricingUnit).rounded())
            if kind < 23 {
                row.costType = "adjustment"
                row.costMicros = -Int64(10_000 + rng.below(3_000_000))
                row.adjustment = rng.below(2) == 0 ? "GENERAL_ADJUSTMENT" : "USAGE_CORRECTION"
                if rng.below(2) == 0 { row.invoiceMonth = Self.nextMonth(row.invoiceMonth) }  // corrects last month
            } else if kind < 25 {
                row.costType = "rounding_error"
                row.costMicros = Int64(rng.below(20)) - 10
            }
            if row.costType == "regular" {
                addCredits(&row, service: service, rng: &rng)
                addLabels(&row, service: service, rng: &rng)
            }
            row.listMicros = row.costMicros + Int64(Double(abs(row.costMicros)) * 0.08)
        }
        if rng.below(100) < 4 {  // late: exported days after the usage, maybe onto the next invoice month
            row.exportTime = startSeconds + 86_400 * (2 + rng.below(5))
            if day >= firstDay + days - 3 { row.invoiceMonth = Self.nextMonth(year * 100 + month) }
        }
        row.billingAccount = Catalog.accounts[index % 97 == 0 ? 1 : 0]
        return row
    }

    private func addCredits(_ row: inout ExportRow, service: Catalog.Service, rng: inout SplitMix64) {
        let cost = row.costMicros
        guard cost > 0 else { return }
        if service.name == "Compute Engine" && rng.below(100) < 45 {
            row.credits.append(.init(kind: 0, micros: -(cost * Int64(10 + rng.below(20)) / 100)))
        }
        if service.committable && rng.below(100) < 12 {
            row.credits.append(.init(kind: rng.below(3) == 0 ? 2 : 1, micros: -(cost * 37 / 100)))
        }
        if rng.below(100) < 5 {
            row.credits.append(.init(kind: 3, micros: -min(cost / 2, 50_000)))
        }
        if rng.below(1000) < 15 {
            row.credits.append(.init(kind: 4, micros: -min(cost, 1_000_000)))
        }
    }

    private func addLabels(_ row: inout ExportRow, service: Catalog.Service, rng: inout SplitMix64) {
        let count = rng.below(4)  // 0 ... 3 resource labels
        for _ in 0..<count {
            let key = rng.below(Catalog.labelKeys.count)
            guard !row.labels.contains(where: { $0.0 == key }) else { continue }
            row.labels.append((key, rng.below(Catalog.labelValues[key].count)))
        }
        if service.name == "Compute Engine" || service.name == "Kubernetes Engine" {
            row.machineSpec = rng.below(Catalog.machineSpecs.count)
            if rng.below(10) < 3 {
                row.resource = 1_000_000 + rng.below(9_000_000)
            }
        }
        if rng.below(100) < 8 { row.tag = rng.below(3) }
    }

    // MARK: - Calendar (proleptic Gregorian, UTC)

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    static func epochDay(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(_ epochDay: Int) -> (year: Int, month: Int, day: Int) {
        let z = epochDay + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func dayText(_ epochDay: Int) -> String {
        let (y, m, d) = civil(epochDay)
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }

    static func nextMonth(_ yyyymm: Int) -> Int {
        yyyymm % 100 == 12 ? (yyyymm / 100 + 1) * 100 + 1 : yyyymm + 1
    }

    static let csvHeader = Array(
        ("billing_account_id,invoice_month,cost_type,service_id,service_description,sku_id,sku_description,"
            + "usage_start_time,usage_end_time,project_id,region,export_time,cost,currency,usage_amount,usage_unit,"
            + "usage_amount_in_pricing_units,usage_pricing_unit,credit_total,cost_at_list\n").utf8)
}

/// SplitMix64: small, fast, and the same sequence on every platform for a seed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound > 0; the modulo bias is irrelevant here).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// Buffered writes to a file through stdio, 1 MiB at a time.
final class BufferedFile {
    private let file: UnsafeMutablePointer<FILE>
    private(set) var written = 0

    init(path: String) throws {
        guard let file = fopen(path, "w") else { throw BenchError("cannot create \(path)") }
        setvbuf(file, nil, _IOFBF, 1 << 20)
        self.file = file
    }

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { _ = fwrite($0.baseAddress, 1, $0.count, file) }
        written += bytes.count
    }

    func close() throws {
        let flushed = fflush(file) == 0 && ferror(file) == 0
        fclose(file)
        if !flushed { throw BenchError("writing failed: \(String(cString: strerror(errno)))") }
    }
}
