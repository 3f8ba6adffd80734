import Foundation
import Logging
import TallyHTTP
import TallyHTTPClient
import TallyKMS
import TallyPipelines
import TallySources
import TallyTenants
import TallyWarehouse

/// Tally's pipeline machinery in-process, as the service wires it: SQLite warehouse and local keyring in a
/// temporary directory, an onboarded tenant, credentials in `CredentialStore`, the real `PipelineRunner` with
/// `CostSources` (base URLs pointed at a fixture server) and runs executed inline.
final class CostHarness {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let configs = repository.appendingPathComponent("configs").path
    static let fixtures = repository.appendingPathComponent("Tests/Fixtures").path
    /// Quick retries keep tests fast; `Retry-After` (the fixture sends 1 s) is still honoured.
    static let retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(20), maxDelay: .seconds(2))

    let home: String
    let tenant: String
    let warehouse: any Warehouse
    let credentials: CredentialStore
    let pipelines: PipelineService

    /// `warehouse` defaults to a SQLite warehouse in the harness's directory.
    init(
        tenant: String = "acme", environment: [String: String] = [:], warehouse: (any Warehouse)? = nil
    ) throws {
        self.tenant = tenant
        home = NSTemporaryDirectory() + "tally-sources-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try LocalKeyring.create(at: home + "/keyring.json")
        let keyring = try LocalKeyring(path: home + "/keyring.json")
        self.warehouse = try warehouse ?? SQLiteWarehouse(root: home + "/warehouse")
        credentials = CredentialStore(warehouse: self.warehouse, keyManagement: keyring)
        var logger = Logger(label: "tally-sources-test")
        logger.logLevel = .critical
        let sources = SourceRegistry(
            extractors: CostSources.all(client: HTTPClient(), environment: environment, retry: Self.retry),
            credentials: credentials)
        let runner = PipelineRunner(
            warehouse: self.warehouse, catalog: TemplateCatalog(root: Self.configs), sources: sources, logger: logger)
        pipelines = PipelineService(runner: runner, executor: nil, instanceID: "sources-test")
        let onboarding = try OnboardingService(
            warehouse: self.warehouse, keys: APIKeyStore(warehouse: self.warehouse, keyManagement: keyring),
            pipelines: pipelines)
        _ = try onboarding.onboard(tenant)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Stores an active credential through the same validation as `POST /credentials`.
    func addCredential(_ provider: String, value: String, settings: [String: JSONValue]) throws {
        let type = provider == "gcp" ? "service_account" : "api_key"
        let input = try CredentialInput(body: [
            "provider": .string(provider), "credential_type": .string(type), "value": .string(value),
            "settings": .object(settings),
        ])
        _ = try credentials.create(input, for: TenantID(tenant)!)
    }

    /// Runs `provider/cost/template` to completion with `body` (plus `trigger_by`); returns the finished run.
    @discardableResult
    func run(_ provider: String, _ template: String, _ body: [String: JSONValue]) throws -> PipelineRun {
        let identity = try PipelineIdentity(
            tenantID: tenant, provider: provider, domain: "cost", templateName: template)
        return try pipelines.runNow(identity, body: body.merging(["trigger_by": .string("test")]) { $1 })
    }

    func rows(_ sql: String) throws -> [Row] {
        try warehouse.query(sql.replacingOccurrences(of: "{t}", with: tenant), in: tenant).rows
    }

    /// A whole table in a stable order, for comparing runs.
    func table(_ name: String, orderBy: String = "x_source_row_id") throws -> [Row] {
        try rows("SELECT * FROM {t}.\(name) ORDER BY \(orderBy)")
    }

    func tableExists(_ name: String) throws -> Bool {
        try warehouse.listTables(tenant).contains(name)
    }

    /// The run's `dq_results` rows by check name.
    func checks(of run: PipelineRun) throws -> [String: Row] {
        let details = try pipelines.details(runID: run.pipelineLoggingID, tenantID: tenant)
        return Dictionary(details.dataQuality.map { ($0["check_name"]?.stringValue ?? "", $0) }) { $1 }
    }

    /// Sum of a numeric column, rounded to the cent.
    func total(_ sql: String) throws -> Double {
        ((try rows(sql).first?.values.first?.doubleValue ?? 0) * 100).rounded() / 100
    }
}
