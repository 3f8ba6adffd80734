import Foundation
import Logging
import TallyAPI
import TallyGoogleAuth
import TallyHTTP
import TallyHTTPClient
import TallyKMS
import TallyPipelines
import TallySources
import TallyTenants
import TallyWarehouse

/// Builds the application from the settings. Refuses to start on a missing or unreadable keyring: Tally
/// never falls back to storing secrets unencrypted.
enum ServiceBootstrap {
    /// The router, and what to do once the server has stopped.
    static func makeApplication(instance: String, logger: Logger) throws -> (Router, onStop: () -> Void) {
        let settings = try ServiceSettings()
        if settings.adminKeyHash == nil {
            logger.warning("TALLY_ADMIN_KEY_SHA256 is not set: onboarding is disabled on this instance")
        }
        let keyring = try keyManagement(settings, logger: logger)
        let warehouse = try makeWarehouse(settings, logger: logger)
        let catalog = TemplateCatalog(root: settings.configs)
        let sources = SourceRegistry(
            extractors: CostSources.all(client: HTTPClient()),
            credentials: CredentialStore(warehouse: warehouse, keyManagement: keyring))
        let runner = PipelineRunner(warehouse: warehouse, catalog: catalog, sources: sources, logger: logger)
        let executor = RunExecutor(runner: runner, concurrency: settings.runConcurrency, logger: logger)
        let instanceID = "\(ProcessInfo.processInfo.hostName)/\(instance)/\(getpid())"
        let pipelines = PipelineService(runner: runner, executor: executor, instanceID: instanceID)
        let services = try TallyServices(
            warehouse: warehouse, keyManagement: keyring, pipelines: pipelines, adminKeyHash: settings.adminKeyHash,
            cacheSettings: .init(ttl: .seconds(settings.authCacheTTL)), logger: logger)
        executor.start()
        RunReaper(
            warehouse: warehouse, staleAfter: .seconds(settings.runStaleAfter),
            interval: .seconds(settings.reaperInterval), logger: logger
        ).start()
        let checks = [
            HealthRoutes.Check(name: "warehouse") { (try? warehouse.listDatasets()) != nil },
            HealthRoutes.Check(name: "kms") { (try? keyring.decrypt(keyring.encrypt([1], aad: [2]), aad: [2])) == [1] },
        ]
        return (TallyApplication.router(services: services, instance: instance, checks: checks), executor.stop)
    }

    /// The key-management backend `TALLY_KMS` names; a missing keyring or bad Cloud KMS setting stops the
    /// service here.
    static func keyManagement(_ settings: ServiceSettings, logger: Logger) throws -> any KeyManagement {
        switch settings.kms {
        case "gcp":
            let client = HTTPClient()
            let resolver = GoogleCredentialsResolver(client: client)
            do {
                let tokens = try resolver.tokenSource(scopes: ["https://www.googleapis.com/auth/cloudkms"])
                let kms = try CloudKMS(
                    keyName: settings.kmsKey ?? "", endpoint: settings.kmsEndpoint, tokens: tokens, client: client)
                logger.info("key management: Cloud KMS", metadata: ["credentials": "\(resolver.describe())"])
                return kms
            } catch {
                throw SettingsError(
                    "TALLY_KMS=gcp: \(error) (check TALLY_KMS_KEY, TALLY_KMS_ENDPOINT, GOOGLE_APPLICATION_CREDENTIALS)")
            }
        default:
            do {
                return try LocalKeyring(path: settings.keyringPath)
            } catch {
                throw SettingsError("cannot use the keyring: \(error) (run `tally init` to create one)")
            }
        }
    }

    /// The warehouse `TALLY_WAREHOUSE` names.
    static func makeWarehouse(_ settings: ServiceSettings, logger: Logger) throws -> any Warehouse {
        guard settings.warehouse == "bigquery", let project = settings.bigQueryProject else {
            return try SQLiteWarehouse(root: settings.warehouseRoot)
        }
        let client = HTTPClient(configuration: BigQueryWarehouse.httpConfiguration)
        let resolver = GoogleCredentialsResolver(client: HTTPClient())
        do {
            let tokens = try resolver.tokenSource(scopes: ["https://www.googleapis.com/auth/bigquery"])
            logger.info(
                "warehouse: BigQuery",
                metadata: [
                    "project": "\(project)", "location": "\(settings.bigQueryLocation)",
                    "endpoint": "\(settings.bigQueryBaseURL)", "credentials": "\(resolver.describe())",
                ])
            return BigQueryWarehouse(
                project: project, location: settings.bigQueryLocation, baseURL: settings.bigQueryBaseURL,
                tokens: tokens, client: client, maximumBytesBilled: settings.maximumBytesBilled)
        } catch {
            throw SettingsError(
                "TALLY_WAREHOUSE=bigquery: \(error) (check GOOGLE_APPLICATION_CREDENTIALS / GCE_METADATA_HOST)")
        }
    }
}
