import Foundation
import Synchronization
import TallyCrypto
import TallyTenants

/// `tally-bench auth`: the cost of `Authenticator.verify(apiKey:)` when the tenant's keys are cached, against
/// the work no implementation can avoid (one SHA-256 of the key and one constant-time compare), plus the
/// paths a wrong key takes and two threads verifying at once (the cache is one `Mutex`).
struct AuthBenchmark {
    let iterations: Int
    let rounds: Int
    let threadIterations: Int
    let keysPerTenant: Int
    let busyWarn: Double

    init(_ options: Options) throws {
        iterations = try options.int("iterations", default: 1_000_000)
        rounds = try options.int("rounds", default: 5)
        threadIterations = try options.int("thread-iterations", default: 1_000_000)
        keysPerTenant = try options.int("keys", default: 3, range: 1...1000)
        busyWarn = Double(try options.int("busy-warn", default: 10, range: 0...100))
    }

    /// Counts the loader's calls per tenant: a cache hit must not reach it.
    final class Loads: Sendable {
        private let counts = Mutex<[String: Int]>([:])
        func record(_ tenant: String) { counts.withLock { $0[tenant, default: 0] += 1 } }
        var total: Int { counts.withLock { $0.values.reduce(0, +) } }
    }

    struct Case {
        var name: String
        var loaderBound: String
        var operation: () -> Bool
    }

    func run() throws {
        let tenants = ["benchco", "benchcp"].map { TenantID($0)! }
        var table: [String: [StoredAPIKey]] = [:]
        var keys: [String: [String]] = [:]
        for tenant in tenants {
            let generated = try (0..<keysPerTenant).map { _ in try APIKey.generate(for: tenant) }
            keys[tenant.value] = generated
            table[tenant.value] = generated.map {
                StoredAPIKey(
                    id: UUID().uuidString.lowercased(), hash: APIKey.hash($0), createdAt: Date(), expiresAt: nil,
                    isActive: true)
            }
        }
        let stored = table
        let allKeys = keys
        let perThread = threadIterations
        let loads = Loads()
        let cache = APIKeyCache()  // the production settings (ServiceBootstrap only changes the TTL, 30 s default)
        let settings = cache.settings
        let authenticator = Authenticator(cache: cache, adminKeyHash: nil) { tenant in
            loads.record(tenant.value)
            return stored[tenant.value]  // nil: no such tenant (no dataset)
        }

        let first = tenants[0].value
        let key = keys[first]![0]
        let hash = APIKey.hash(key)
        let unknownKey = try APIKey.generate(for: tenants[0])  // well formed, names a cached tenant, not stored
        let unknownTenantKey = try APIKey.generate(for: TenantID("nosuchco")!)
        let malformedKey = "benchco_api_" + String(repeating: "!", count: 32)

        // Warm: load both tenants and the unknown one, run every path once.
        for tenant in tenants { _ = try authenticator.verify(apiKey: keys[tenant.value]![0]) }
        _ = try authenticator.verify(apiKey: unknownTenantKey)
        let warmLoads = loads.total

        let cases = [
            Case(name: "baseline: SHA-256 + 1 constant-time compare", loaderBound: "-") {
                ConstantTime.equals(SHA256.hash(Array(key.utf8)), hash)
            },
            Case(name: "verify, cache hit (\(keysPerTenant) keys)", loaderBound: "ttl \(settings.ttl)") {
                (try? authenticator.verify(apiKey: key)) != nil
            },
            Case(name: "verify, unknown key of a cached tenant", loaderBound: "missRefresh \(settings.missRefresh)") {
                (try? authenticator.verify(apiKey: unknownKey)) == nil
            },
            Case(name: "verify, unknown tenant (negative cache)", loaderBound: "negativeTTL \(settings.negativeTTL)") {
                (try? authenticator.verify(apiKey: unknownTenantKey)) == nil
            },
            Case(name: "verify, malformed key (refused unhashed)", loaderBound: "never") {
                (try? authenticator.verify(apiKey: malformedKey)) == nil
            },
            // A component, not a path: how much of every verify is reading the tenant out of the key.
            Case(name: "component: APIKey.tenant(of:) alone", loaderBound: "never") {
                APIKey.tenant(of: key) != nil
            },
        ]

        print(
            "setup: Authenticator + APIKeyCache with the production settings (ttl \(settings.ttl), missRefresh "
                + "\(settings.missRefresh), negativeTTL \(settings.negativeTTL)); 2 tenants of \(keysPerTenant) keys; "
                + "an in-memory loader that counts its calls")
        print(
            "       \(iterations) calls per case per round, \(rounds) rounds (odd rounds in order, even rounds "
                + "reversed); median ns/op per case")
        print("")

        // Warm-up: every case, a tenth of a round.
        for item in cases { _ = measure(max(1, iterations / 10), item.operation) }

        var perCase = Array(repeating: Samples(), count: cases.count)
        var loaderCalls = Array(repeating: 0, count: cases.count)
        var seconds = Array(repeating: 0.0, count: cases.count)
        var unexpected = Array(repeating: 0, count: cases.count)
        var maxOthers = 0.0
        print("runs (ns/op):")
        for round in 1...rounds {
            let order = round % 2 == 1 ? Array(cases.indices) : cases.indices.reversed()
            var line: [Int: Double] = [:]
            let before = HostSample.now()
            for index in order {
                let loadsBefore = loads.total
                let (nanoseconds, bad) = measure(iterations, cases[index].operation)
                loaderCalls[index] += loads.total - loadsBefore
                seconds[index] += nanoseconds * Double(iterations) / 1e9
                unexpected[index] += bad
                perCase[index].add(nanoseconds)
                line[index] = nanoseconds
            }
            let load = HostSample.load(from: before, to: HostSample.now())
            maxOthers = max(maxOthers, load.others)
            let figures = cases.indices.map { format(line[$0]!) }.joined(separator: "  ")
            print(
                "  round \(round)  \(figures)   (host \(format(load.busy, 0))% busy, others \(format(load.others, 0))%)"
            )
        }
        print("  (columns in the order of the table below)")
        print("")

        let baseline = perCase[0].percentile(50)
        let header = "case".padding(toLength: 46, withPad: " ", startingAt: 0)
        print("\(header)   ns/op  × baseline  +ns vs base  loader calls (time in case; refresh bound)")
        for index in cases.indices {
            let median = perCase[index].percentile(50)
            let name = cases[index].name.padding(toLength: 46, withPad: " ", startingAt: 0)
            let ratio = format(median / baseline, 2) + "×"
            let extra = index == 0 ? "-" : format(median - baseline)
            let calls =
                index == 0 ? "-" : "\(loaderCalls[index]) (\(format(seconds[index], 1)) s; \(cases[index].loaderBound))"
            print(
                "\(name) \(pad(format(median), 7))  \(pad(ratio, 10))  \(pad(extra, 11))  \(calls)")
        }
        print(
            "(median of \(rounds) rounds; spread min–max per case: "
                + cases.indices.map { "\(format(perCase[$0].min))–\(format(perCase[$0].max))" }.joined(separator: ", ")
                + " ns)")
        print("loader calls while warming the cache: \(warmLoads) (one per tenant, one for the unknown tenant)")
        print("")

        // Two threads at once, each on its own tenant (the cache has a single lock for all tenants).
        let threadCases: [(String, @Sendable (Int) -> Int)] = [
            (
                "baseline",
                { index in
                    let key = allKeys[tenants[index % 2].value]![0]
                    let hash = APIKey.hash(key)
                    var good = 0
                    for _ in 0..<perThread where ConstantTime.equals(SHA256.hash(Array(key.utf8)), hash) {
                        good += 1
                    }
                    return good
                }
            ),
            (
                "verify hit",
                { index in
                    let key = allKeys[tenants[index % 2].value]![0]
                    var good = 0
                    for _ in 0..<perThread where (try? authenticator.verify(apiKey: key)) != nil { good += 1 }
                    return good
                }
            ),
        ]
        var best: [String: Double] = [:]  // "name/threads" → ops/s
        var threadLines: [String] = []
        for round in 1...2 {
            for threads in (round == 1 ? [1, 2] : [2, 1]) {
                for (name, work) in (round == 1 ? threadCases : threadCases.reversed()) {
                    let before = HostSample.now()
                    let (results, wall) = onThreads(threads, work)
                    let load = HostSample.load(from: before, to: HostSample.now())
                    maxOthers = max(maxOthers, load.others)
                    let operations = threads * threadIterations
                    let bad = operations - results.reduce(0, +)
                    let rate = Double(operations) / wall
                    best["\(name)/\(threads)"] = max(best["\(name)/\(threads)"] ?? 0, rate)
                    threadLines.append(
                        "  round \(round)  \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(threads) thread"
                            + "\(threads == 1 ? " " : "s")  \(pad(format(rate / 1e6, 2), 6)) M ops/s  "
                            + "\(pad(format(wall * 1e9 / Double(threadIterations)), 7)) ns/op per thread"
                            + "   (others \(format(load.others, 0))%)"
                            + (bad > 0 ? "  <-- \(bad) unexpected results" : ""))
                }
            }
        }
        print(
            "threads (\(threadIterations) calls per thread, 2 rounds ABBA, best kept; thread i verifies tenant i's key):"
        )
        threadLines.forEach { print($0) }
        let baseScaling = best["baseline/2"]! / best["baseline/1"]!
        let verifyScaling = best["verify hit/2"]! / best["verify hit/1"]!
        print(
            "scaling 2 threads / 1 thread: baseline \(format(baseScaling, 2))×, verify hit \(format(verifyScaling, 2))×"
                + "  → verify keeps \(format(100 * verifyScaling / baseScaling, 0))% of the baseline's scaling "
                + "(100% = the cache lock costs nothing; \(ProcessInfo.processInfo.activeProcessorCount) cores)")
        print(
            "2-thread throughput: verify hit \(format(best["verify hit/2"]! / 1e6, 2)) M/s vs baseline "
                + "\(format(best["baseline/2"]! / 1e6, 2)) M/s = \(format(best["verify hit/2"]! / best["baseline/2"]!, 2))×"
        )
        print("")

        let totalUnexpected = unexpected.reduce(0, +)
        if totalUnexpected > 0 {
            print("ERROR \(totalUnexpected) calls returned the wrong answer (a hit that failed or a miss that matched)")
        }
        if loaderCalls[1] > Int(seconds[1] / Double(settings.ttl.components.seconds)) + 1 {
            print("WARN  the cache-hit case reached the loader \(loaderCalls[1]) times in \(format(seconds[1])) s")
        }
        if maxOthers >= busyWarn {
            print(
                "WARN  other processes used up to \(format(maxOthers, 0))% of the host during a round: figures are "
                    + "noisy; rerun on a quiet host")
        }
        print(
            "RESULT op=auth baseline_ns=\(format(baseline)) hit_ns=\(format(perCase[1].percentile(50))) "
                + "hit_ratio=\(format(perCase[1].percentile(50) / baseline, 2)) miss_ns=\(format(perCase[2].percentile(50))) "
                + "hit_loader_calls=\(loaderCalls[1]) miss_loader_calls=\(loaderCalls[2]) "
                + "verify_scaling=\(format(verifyScaling, 2)) baseline_scaling=\(format(baseScaling, 2)) "
                + "unexpected=\(totalUnexpected) max_others=\(format(maxOthers, 0))")
        if totalUnexpected > 0 { throw BenchError("verify gave wrong answers") }
    }

    /// ns per call of `operation` over `count` calls, and how many calls gave the unexpected answer.
    private func measure(_ count: Int, _ operation: () -> Bool) -> (Double, Int) {
        var good = 0
        let start = monotonicNanoseconds()
        for _ in 0..<count where operation() { good += 1 }
        let elapsed = monotonicNanoseconds() - start
        return (Double(elapsed) / Double(count), count - good)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
