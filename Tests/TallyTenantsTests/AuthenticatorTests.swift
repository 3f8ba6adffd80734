import Foundation
import Synchronization
import Testing

@testable import TallyTenants

/// A clock tests move by hand.
final class ManualClock: Sendable {
    private let offset = Mutex<Duration>(.zero)
    private let start = ContinuousClock.now

    var now: ContinuousClock.Instant { start + offset.withLock { $0 } }

    func advance(_ duration: Duration) {
        offset.withLock { $0 += duration }
    }
}

/// Counts how often the warehouse would be asked for a tenant's keys.
final class KeyLoader: Sendable {
    let keys = Mutex<[String: [StoredAPIKey]]>([:])
    let loads = Atomic<Int>(0)

    func load(_ tenant: TenantID) -> [StoredAPIKey]? {
        loads.add(1, ordering: .relaxed)
        return keys.withLock { $0[tenant.value] }
    }

    func add(_ key: String, id: String, tenant: String, active: Bool = true, expires: Date? = nil) {
        let stored = StoredAPIKey(
            id: id, hash: APIKey.hash(key), createdAt: Date(), expiresAt: expires, isActive: active)
        keys.withLock { $0[tenant, default: []].append(stored) }
    }
}

@Suite struct AuthenticatorTests {
    let clock = ManualClock()
    let loader = KeyLoader()

    func makeAuthenticator(adminKey: String? = nil) -> Authenticator {
        let clock = clock
        let loader = loader
        let cache = APIKeyCache(
            settings: .init(ttl: .seconds(30), negativeTTL: .seconds(5), missRefresh: .seconds(2), capacity: 2),
            now: { clock.now })
        return Authenticator(
            cache: cache, adminKeyHash: adminKey.map { APIKey.hash($0) }, loadKeys: { loader.load($0) })
    }

    @Test func keyFormat() throws {
        let tenant = try #require(TenantID("acme_01"))
        let key = try APIKey.generate(for: tenant)
        #expect(key.hasPrefix("acme_01_api_"))
        #expect(key.count == "acme_01_api_".count + 32)
        #expect(APIKey.tenant(of: key) == tenant)
        #expect(APIKey.tenant(of: "acme_01_api_short") == nil)
        #expect(APIKey.tenant(of: "Acme_api_" + String(repeating: "a", count: 32)) == nil)
        #expect(APIKey.tenant(of: "ac_api_" + String(repeating: "a", count: 32)) == nil)
        #expect(try APIKey.generate(for: tenant) != key)
    }

    @Test(arguments: [
        "ab", "1abc", "Acme", "acme-inc", "acme inc", "a'; DROP", "../x", String(repeating: "a", count: 51),
    ])
    func invalidTenantIDs(_ text: String) {
        #expect(TenantID(text) == nil)
    }

    @Test func verifiesAgainstCachedKeys() throws {
        let key = "acme_api_" + String(repeating: "A", count: 32)
        loader.add(key, id: "k1", tenant: "acme")
        let authenticator = makeAuthenticator()
        #expect(try authenticator.verify(apiKey: key) == .tenant(TenantID("acme")!, apiKeyID: "k1"))
        #expect(try authenticator.verify(apiKey: key) != nil)
        #expect(loader.loads.load(ordering: .relaxed) == 1)
    }

    @Test func floodOfBadKeysHitsWarehouseBoundedTimes() throws {
        loader.add("acme_api_" + String(repeating: "A", count: 32), id: "k1", tenant: "acme")
        let authenticator = makeAuthenticator()
        for index in 0..<1000 {
            let bad = "acme_api_" + String(repeating: "B", count: 28) + String(format: "%04d", index)
            #expect(try authenticator.verify(apiKey: bad) == nil)
            let unknownTenant = "ghost_api_" + String(repeating: "C", count: 32)
            #expect(try authenticator.verify(apiKey: unknownTenant) == nil)
            #expect(try authenticator.verify(apiKey: "garbage") == nil)
        }
        #expect(loader.loads.load(ordering: .relaxed) == 2)
        clock.advance(.seconds(3))
        #expect(try authenticator.verify(apiKey: "acme_api_" + String(repeating: "B", count: 32)) == nil)
        #expect(loader.loads.load(ordering: .relaxed) == 3)
    }

    @Test func revokedKeyStopsWorkingWithinTTL() throws {
        let key = "acme_api_" + String(repeating: "A", count: 32)
        loader.add(key, id: "k1", tenant: "acme")
        let authenticator = makeAuthenticator()
        #expect(try authenticator.verify(apiKey: key) != nil)
        loader.keys.withLock {
            $0["acme"] = $0["acme"]!.map {
                var key = $0; key.isActive = false; return key
            }
        }
        clock.advance(.seconds(29))
        #expect(try authenticator.verify(apiKey: key) != nil, "still cached inside the TTL")
        clock.advance(.seconds(2))
        #expect(try authenticator.verify(apiKey: key) == nil, "reloaded after the TTL")
    }

    @Test func invalidateMakesRevocationImmediate() throws {
        let key = "acme_api_" + String(repeating: "A", count: 32)
        loader.add(key, id: "k1", tenant: "acme")
        let authenticator = makeAuthenticator()
        #expect(try authenticator.verify(apiKey: key) != nil)
        loader.keys.withLock { $0["acme"] = [] }
        authenticator.cache.invalidate("acme")
        #expect(try authenticator.verify(apiKey: key) == nil)
    }

    @Test func expiredAndInactiveKeysFail() throws {
        let expired = "acme_api_" + String(repeating: "E", count: 32)
        let inactive = "acme_api_" + String(repeating: "I", count: 32)
        loader.add(expired, id: "e", tenant: "acme", expires: Date().addingTimeInterval(-1))
        loader.add(inactive, id: "i", tenant: "acme", active: false)
        let authenticator = makeAuthenticator()
        #expect(try authenticator.verify(apiKey: expired) == nil)
        #expect(try authenticator.verify(apiKey: inactive) == nil)
    }

    @Test func cacheIsBounded() throws {
        let authenticator = makeAuthenticator()
        for tenant in ["aaa", "bbb", "ccc", "ddd"] {
            _ = try authenticator.verify(apiKey: tenant + "_api_" + String(repeating: "A", count: 32))
            clock.advance(.milliseconds(1))
        }
        #expect(authenticator.cache.count == 2)
    }

    @Test func adminKey() {
        let authenticator = makeAuthenticator(adminKey: "tally_admin_secret")
        #expect(authenticator.verify(adminKey: "tally_admin_secret"))
        #expect(!authenticator.verify(adminKey: "tally_admin_secreT"))
        #expect(!makeAuthenticator().verify(adminKey: "anything"))
    }

    @Test func principalScope() throws {
        let acme = Principal.tenant(TenantID("acme")!, apiKeyID: "k")
        #expect(acme.mayAct(on: "acme"))
        #expect(!acme.mayAct(on: "globex"))
        #expect(Principal.operatorAdmin.mayAct(on: "globex"))
    }
}
