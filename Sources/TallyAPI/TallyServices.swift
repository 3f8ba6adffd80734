import Logging
import TallyKMS
import TallyPipelines
import TallyTenants
import TallyWarehouse

/// Everything the routes need, built once per process by the executable (or a test).
public struct TallyServices: Sendable {
    public var warehouse: any Warehouse
    public var keyManagement: any KeyManagement
    public var pipelines: PipelineService
    public var onboarding: OnboardingService
    public var apiKeys: APIKeyStore
    public var credentials: CredentialStore
    public var authenticator: Authenticator
    public var keyCache: APIKeyCache
    public var logger: Logger

    public init(
        warehouse: any Warehouse, keyManagement: any KeyManagement, pipelines: PipelineService,
        adminKeyHash: [UInt8]?, cacheSettings: APIKeyCache.Settings = .init(), logger: Logger
    ) throws {
        self.warehouse = warehouse
        self.keyManagement = keyManagement
        self.pipelines = pipelines
        self.logger = logger
        let cache = APIKeyCache(settings: cacheSettings)
        let keys = APIKeyStore(warehouse: warehouse, keyManagement: keyManagement)
        keyCache = cache
        apiKeys = keys
        credentials = CredentialStore(warehouse: warehouse, keyManagement: keyManagement)
        authenticator = Authenticator(cache: cache, adminKeyHash: adminKeyHash) { tenant in try keys.keys(of: tenant) }
        onboarding = try OnboardingService(
            warehouse: warehouse, keys: keys, pipelines: pipelines, onKeysChanged: { cache.invalidate($0) })
    }
}
