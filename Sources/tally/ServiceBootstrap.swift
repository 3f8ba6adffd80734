import Foundation
import Logging
import TallyAPI
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
        let keyring: LocalKeyring
        do {
            keyring = try LocalKeyring(path: settings.keyringPath)
        } catch {
            throw SettingsError("cannot use the keyring: \(error) (run `tally init` to create one)")
        }
        let warehouse = try SQLiteWarehouse(root: settings.warehouseRoot)
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
            HealthRoutes.Check(name: "keyring") {
                (try? keyring.decrypt(keyring.encrypt([1], aad: [2]), aad: [2])) == [1]
            },
        ]
        return (TallyApplication.router(services: services, instance: instance, checks: checks), executor.stop)
    }
}
