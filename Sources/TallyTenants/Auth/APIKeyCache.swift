import Synchronization

/// Each tenant's key hashes, cached in memory so that verifying a key on the hot path costs a hash and a
/// few constant-time compares, not a warehouse query.
///
/// - Entries live for `ttl`: a key revoked on another instance stops working here within `ttl`.
/// - A tenant with no dataset is cached as absent for `negativeTTL`, so a flood of keys naming unknown
///   tenants does not reach the warehouse.
/// - A key that is not in a cached set may trigger one reload per tenant per `missRefresh` (a key created
///   on another instance works here within that time), never more, however many bad keys arrive.
/// - At most `capacity` tenants are held; the least recently loaded are evicted first.
public final class APIKeyCache: Sendable {
    public struct Settings: Sendable {
        public var ttl: Duration
        public var negativeTTL: Duration
        public var missRefresh: Duration
        public var capacity: Int

        public init(
            ttl: Duration = .seconds(30), negativeTTL: Duration = .seconds(5), missRefresh: Duration = .seconds(2),
            capacity: Int = 10_000
        ) {
            self.ttl = ttl
            self.negativeTTL = negativeTTL
            self.missRefresh = missRefresh
            self.capacity = max(1, capacity)
        }
    }

    struct Entry: Sendable {
        var keys: [StoredAPIKey]?
        var loadedAt: ContinuousClock.Instant
    }

    public let settings: Settings
    private let entries = Mutex<[String: Entry]>([:])
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(settings: Settings = Settings(), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.settings = settings
        self.now = now
    }

    /// The tenant's keys if cached and fresh; `.some(nil)` means "known not to exist".
    func lookup(_ tenant: String) -> (keys: [StoredAPIKey]?, age: Duration)? {
        let instant = now()
        return entries.withLock { entries in
            guard let entry = entries[tenant] else { return nil }
            let age = instant - entry.loadedAt
            let lifetime = entry.keys == nil ? settings.negativeTTL : settings.ttl
            guard age < lifetime else {
                entries[tenant] = nil
                return nil
            }
            return (entry.keys, age)
        }
    }

    func store(_ tenant: String, keys: [StoredAPIKey]?) {
        let instant = now()
        entries.withLock { entries in
            entries[tenant] = Entry(keys: keys, loadedAt: instant)
            if entries.count > settings.capacity {
                let excess = entries.count - settings.capacity
                let oldest = entries.sorted { $0.value.loadedAt < $1.value.loadedAt }.prefix(excess)
                for (name, _) in oldest { entries[name] = nil }
            }
        }
    }

    /// Forgets a tenant, e.g. after this instance revoked or created one of its keys.
    public func invalidate(_ tenant: String) {
        _ = entries.withLock { $0.removeValue(forKey: tenant) }
    }

    public var count: Int { entries.withLock { $0.count } }
}
