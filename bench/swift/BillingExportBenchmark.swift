import Foundation
import Logging
import TallyHTTP
import TallyHTTPClient
import TallyKMS
import TallyPipelines
import TallySources
import TallyTenants
import TallyWarehouse

/// `tally-bench billing-export`: the real `gcp/cost/billing-export` pipeline in-process, as the service wires it
/// (and as Tests/TallySourcesTests/Support/CostHarness.swift does): a SQLite warehouse and local keyring in a
/// fresh directory, a tenant onboarded through `OnboardingService`, a `gcp` credential whose `billing_export_file`
/// names the file stored through `CredentialStore`, and `PipelineService.runNow` (the runner, executed inline).
/// Only the run is timed. Prints per-step figures and a `RESULT op=billing-export ...` line.
struct BillingExportBenchmark {
    let file: String
    let configs: String
    let home: String?
    let startDate: String
    let endDate: String
    let tenant = "benchco"

    init(_ options: Options) throws {
        file = try options.string("file")
        configs = options.string("configs", default: FileManager.default.currentDirectoryPath + "/configs")
        let homeOption = options.string("home", default: "")
        home = homeOption.isEmpty ? nil : homeOption
        let meta = Self.meta(file + ".meta")
        guard let start = options.all("start-date").last ?? meta["start_date"],
            let end = options.all("end-date").last ?? meta["end_date"]
        else {
            throw UsageError(message: "--start-date/--end-date are required when \(file).meta is missing")
        }
        (startDate, endDate) = (start, end)
    }

    func run() throws {
        guard FileManager.default.isReadableFile(atPath: file) else { throw BenchError("cannot read \(file)") }
        let directory = home ?? NSTemporaryDirectory() + "tally-bench-billing-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if home == nil { try? FileManager.default.removeItem(atPath: directory) } }

        try LocalKeyring.create(at: directory + "/keyring.json")
        let keyring = try LocalKeyring(path: directory + "/keyring.json")
        let warehouse = try SQLiteWarehouse(root: directory + "/warehouse")
        let credentials = CredentialStore(warehouse: warehouse, keyManagement: keyring)
        var logger = Logger(label: "tally-bench-billing-export")
        logger.logLevel = .error
        let sources = SourceRegistry(
            extractors: CostSources.all(client: HTTPClient(), environment: [:]), credentials: credentials)
        let runner = PipelineRunner(
            warehouse: warehouse, catalog: TemplateCatalog(root: configs), sources: sources, logger: logger)
        let pipelines = PipelineService(runner: runner, executor: nil, instanceID: "tally-bench")
        let onboarding = try OnboardingService(
            warehouse: warehouse, keys: APIKeyStore(warehouse: warehouse, keyManagement: keyring),
            pipelines: pipelines)
        _ = try onboarding.onboard(tenant)
        let input = try CredentialInput(body: [
            "provider": .string("gcp"), "credential_type": .string("service_account"),
            "value": .string(Self.serviceAccount),
            "settings": .object([
                "billing_export_file": .string(file), "billing_account_name": .string("Acme (benchmark)"),
            ]),
        ])
        _ = try credentials.create(input, for: TenantID(tenant)!)

        let identity = try PipelineIdentity(
            tenantID: tenant, provider: "gcp", domain: "cost", templateName: "billing-export")
        let body: [String: JSONValue] = [
            "start_date": .string(startDate), "end_date": .string(endDate), "trailing_days": .integer(0),
            "trigger_by": .string("benchmark"),
        ]
        let rssBefore = ProcStatus.kilobytes("VmRSS")
        let hwmBefore = ProcStatus.kilobytes("VmHWM")
        let cpuBefore = processCPUSeconds()
        let start = monotonicNanoseconds()
        let run = try pipelines.runNow(identity, body: body)
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        let cpu = processCPUSeconds() - cpuBefore
        let peak = ProcStatus.kilobytes("VmHWM")
        let rssAfter = ProcStatus.kilobytes("VmRSS")

        // Not timed: what the run produced.
        func count(_ sql: String) -> Int {
            let value = (try? warehouse.query(sql, in: tenant).rows.first?.values.first?.intValue) ?? nil
            return value.map { Int($0) } ?? -1
        }
        // The rows the export's own totals counted (the extractor's second output), beside the FOCUS rows.
        let sourceRows = count("SELECT SUM(row_count) FROM \(tenant).cost_source_totals WHERE x_source = 'gcp'")
        let focus = count("SELECT COUNT(*) FROM \(tenant).focus_costs")
        let details = try? pipelines.details(runID: run.pipelineLoggingID, tenantID: tenant)
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? nil ?? 0
        let warehouseBytes = Self.directorySize(directory + "/warehouse")

        print(
            "run: \(run.status) in \(format(seconds, 2)) s wall, \(format(cpu, 2)) s CPU; window \(startDate) … \(endDate)"
        )
        if let message = run.errorMessage { print("run error: \(message)") }
        var loadSeconds = "?"
        for step in details?.steps ?? [] {
            let name = step["step_id"]?.stringValue ?? step["step_name"]?.stringValue ?? "?"
            let status = step["status"]?.stringValue ?? "?"
            let duration = step["duration_ms"]?.intValue.map { format(Double($0) / 1000, 2) + " s" } ?? "?"
            let rows = step["rows_written"]?.intValue.map { String($0) } ?? "-"
            if name == "load", let ms = step["duration_ms"]?.intValue { loadSeconds = format(Double(ms) / 1000, 3) }
            print(
                "  step \(name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(status)  \(duration)  rows \(rows)"
            )
        }
        for check in details?.dataQuality ?? [] {
            print(
                "  check \(check["check_name"]?.stringValue ?? "?"): \(check["status"]?.stringValue ?? "?")")
        }
        print(
            "memory: VmRSS \(rssBefore) kB before the run, \(rssAfter) kB after; VmHWM \(hwmBefore) kB before "
                + "(setup), \(peak) kB peak")
        print(
            "rows: export \(sourceRows) (cost_source_totals), focus_costs \(focus); warehouse \(warehouseBytes / 1024) kB "
                + "on disk")
        print(
            "RESULT op=billing-export status=\(run.status) seconds=\(format(seconds, 3)) cpu_seconds=\(format(cpu, 2)) "
                + "source_rows=\(sourceRows) focus_rows=\(focus) "
                + "rows_per_s=\(format(seconds > 0 ? Double(focus) / seconds : 0, 0)) load_seconds=\(loadSeconds) "
                + "peak_rss_kb=\(peak) setup_hwm_kb=\(hwmBefore) file_bytes=\(fileBytes) "
                + "warehouse_bytes=\(warehouseBytes)")
        guard run.status == .success else { throw BenchError("the run ended \(run.status)") }
    }

    /// `key=value` pairs of the generator's sidecar file, or none.
    static func meta(_ path: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var values: [String: String] = [:]
        for pair in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        return values
    }

    static func directorySize(_ path: String) -> Int {
        let names = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
        return names.reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + "/" + name)[.size] as? Int) ?? nil ?? 0)
        }
    }

    static let serviceAccount = """
        {"type": "service_account", "client_email": "tally@acme.iam.gserviceaccount.com",
         "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIbenchmark\\n-----END PRIVATE KEY-----\\n",
         "token_uri": "https://oauth2.googleapis.com/token"}
        """
}

/// Fields of /proc/self/status in kB (VmRSS: resident now; VmHWM: the peak resident set since the start).
enum ProcStatus {
    static func kilobytes(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
                ?? -1
        }
        return -1
    }
}
