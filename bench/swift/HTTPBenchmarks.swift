import Foundation
import TallyHTTPClient

#if canImport(Glibc)
    import Glibc
#endif

/// The client side of the benchmarks that go through nginx: onboarding latency, authenticated GETs and dry-run
/// pipeline runs. Each thread has its own `HTTPClient` (so its own keep-alive HTTPS connection, opened before the
/// clock starts); every request and every poll loop is bounded by a timeout.
enum HTTPBenchmarks {
    static let terminalStatuses: Set<String> = ["SUCCESS", "FAILED", "CANCELLED"]

    struct Reply {
        var status: Int  // 0: no response (transport error, timeout)
        var milliseconds: Double
        var body: [UInt8]
        var failure: String?

        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
        var excerpt: String {
            failure ?? "HTTP \(status) " + String(decoding: body.prefix(240), as: UTF8.self)
        }
    }

    final class Endpoint: Sendable {
        let client: HTTPClient
        let base: String

        init(base: String, caFile: String, timeoutSeconds: Int) {
            self.base = base
            client = HTTPClient(
                configuration: .init(connectTimeout: .seconds(5), timeout: .seconds(timeoutSeconds), caFile: caFile))
        }

        func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil) -> Reply {
            var all = headers.map { (name: $0.0, value: $0.1) }
            if body != nil { all.append((name: "Content-Type", value: "application/json")) }
            let start = monotonicNanoseconds()
            do {
                let response = try client.execute(
                    HTTPClientRequest(method: method, url: base + path, headers: all, body: body.map { Array($0.utf8) })
                )
                return Reply(status: response.status, milliseconds: since(start), body: response.body, failure: nil)
            } catch {
                return Reply(status: 0, milliseconds: since(start), body: [], failure: "no response: \(error)")
            }
        }
    }

    /// Outcomes of one kind of operation.
    struct Tally: Sendable {
        var latencies = Samples()  // ms, successful operations only
        var server = Samples()  // ms, the run's own duration_ms (dry runs)
        var attempts = 0
        var ok = 0
        var non2xx = 0
        var errors = 0
        var polls = 0
        var outcomes: [String: Int] = [:]  // what the failures were: "HTTP 409", "FAILED", "timeout", ...
        var examples: [String] = []

        mutating func success(_ milliseconds: Double) {
            attempts += 1
            ok += 1
            latencies.add(milliseconds)
        }

        mutating func failure(_ outcome: String, _ example: String) {
            attempts += 1
            outcomes[outcome, default: 0] += 1
            if examples.count < 3 { examples.append(example) }
        }

        /// Counts a reply: `expected` status and `check` on its JSON make it a success.
        mutating func record(_ reply: Reply, expected: Int, check: ([String: Any]?) -> Bool = { _ in true }) {
            if reply.status == 0 {
                errors += 1
                failure("no response", reply.excerpt)
            } else if !(200..<300).contains(reply.status) {
                non2xx += 1
                failure("HTTP \(reply.status)", reply.excerpt)
            } else if reply.status != expected || !check(reply.json) {
                failure("unexpected HTTP \(reply.status) body", reply.excerpt)
            } else {
                success(reply.milliseconds)
            }
        }

        mutating func merge(_ other: Tally) {
            latencies.add(contentsOf: other.latencies)
            server.add(contentsOf: other.server)
            attempts += other.attempts
            ok += other.ok
            non2xx += other.non2xx
            errors += other.errors
            polls += other.polls
            outcomes.merge(other.outcomes, uniquingKeysWith: +)
            examples.append(contentsOf: other.examples.prefix(max(0, 3 - examples.count)))
        }

        /// `RESULT op=NAME key=value ...` for the shell scripts, then `NOTE` lines for failures.
        func report(_ name: String, tenants: Int, wall: Double, extra: String = "") {
            let rate = wall > 0 ? Double(ok) / wall : 0
            var line =
                "RESULT op=\(name) tenants=\(tenants) n=\(attempts) ok=\(ok) non2xx=\(non2xx) errors=\(errors) "
                + "failed=\(attempts - ok) wall_s=\(format(wall, 3)) rate=\(format(rate, 2)) "
                + "p50=\(format(latencies.percentile(50), 2)) p95=\(format(latencies.percentile(95), 2)) "
                + "p99=\(format(latencies.percentile(99), 2)) max=\(format(latencies.max, 2)) "
                + "min=\(format(latencies.min, 2)) mean=\(format(latencies.mean, 2))"
            if !server.isEmpty {
                line += " server_p50=\(format(server.percentile(50), 1)) server_p95=\(format(server.percentile(95), 1))"
            }
            if !extra.isEmpty { line += " " + extra }
            print(line)
            for (outcome, count) in outcomes.sorted(by: { $0.key < $1.key }) {
                print("NOTE op=\(name) \(count)× \(outcome)")
            }
            for example in examples { print("NOTE op=\(name) e.g. \(example)") }
        }
    }

    // MARK: Subcommands

    /// N sequential onboardings (after W warm-up ones, reported apart), each followed by the new tenant's first
    /// authenticated call, `GET /api/v1/tenants/{t}/api-keys` with the key it just received: the baseline.
    static func onboarding(_ options: Options) throws {
        let endpoint = try endpoints(options, count: 1)[0]
        let adminKey = try String(contentsOfFile: try options.string("admin-key-file"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let count = try options.int("count", default: 30, range: 1...10_000)
        let warmup = try options.int("warmup", default: 2, range: 0...100)
        let prefix = options.string("prefix", default: "onb")
        guard TenantName.isValid(prefix + "_0") else { throw UsageError(message: "--prefix must be a-z0-9_") }
        _ = endpoint.send("GET", "/health")  // the TLS handshake, not timed

        var warm = Tally()
        var onboard = Tally()
        var keys = Tally()
        var dryRuns = 0
        for index in 0..<(warmup + count) {
            let tenant = "\(prefix)_\(index)"
            let reply = endpoint.send(
                "POST", "/api/v1/customers/onboard", headers: [("X-Admin-Key", adminKey)],
                body: #"{"tenant_id":"\#(tenant)"}"#)
            let ran = reply.json?["dryrun_status"] as? String == "SUCCESS"
            if ran && index >= warmup { dryRuns += 1 }
            if index < warmup {
                warm.record(reply, expected: 201) { _ in ran }
            } else {
                onboard.record(reply, expected: 201) { _ in ran }
            }
            guard index >= warmup, reply.status == 201, let key = reply.json?["api_key"] as? String else { continue }
            let get = endpoint.send("GET", "/api/v1/tenants/\(tenant)/api-keys", headers: [("X-API-Key", key)])
            keys.record(get, expected: 200) { ($0?["api_keys"] as? [Any])?.count == 1 }
        }
        warm.report("onboard_warmup", tenants: 1, wall: warm.latencies.values.reduce(0, +) / 1000)
        onboard.report(
            "onboard", tenants: 1, wall: onboard.latencies.values.reduce(0, +) / 1000,
            extra: "dryrun_success=\(dryRuns)")
        keys.report("keys_get", tenants: 1, wall: keys.latencies.values.reduce(0, +) / 1000)
    }

    /// `--count` sequential authenticated GETs per `--tenant NAME:KEY`, all tenants at once (one thread each).
    static func get(_ options: Options) throws {
        let tenants = try tenantKeys(options)
        let endpoints = try endpoints(options, count: tenants.count)
        let count = try options.int("count", default: 30, range: 1...10_000_000)
        let path = options.string("path", default: "/api/v1/pipelines/runs?limit=1")
        for (index, endpoint) in endpoints.enumerated() {
            _ = endpoint.send("GET", path, headers: [("X-API-Key", tenants[index].key)])  // handshake, not timed
        }
        let (results, wall) = onThreads(tenants.count) { index in
            let (name, key) = tenants[index]
            let endpoint = endpoints[index]
            let tenantPath = path.replacingOccurrences(of: "{tenant}", with: name)
            var tally = Tally()
            for _ in 0..<count {
                tally.record(endpoint.send("GET", tenantPath, headers: [("X-API-Key", key)]), expected: 200)
            }
            return tally
        }
        var total = Tally()
        results.forEach { total.merge($0) }
        total.report("get", tenants: tenants.count, wall: wall)
    }

    /// `--count` dry runs per `--tenant NAME:KEY`, one after the other for each tenant (one active run per pipeline),
    /// all tenants at once: POST the run, poll it every `--poll-ms` until it ends, start the next.
    static func dryrun(_ options: Options) throws {
        let tenants = try tenantKeys(options)
        let endpoints = try endpoints(options, count: tenants.count)
        let count = try options.int("count", default: 30, range: 1...100_000)
        let pollMicroseconds = UInt32(try options.int("poll-ms", default: 5, range: 1...10_000) * 1000)
        let runTimeout = UInt64(try options.int("run-timeout", default: 60, range: 1...3600)) * 1_000_000_000
        let template = options.string("template", default: "gcp/example/dryrun")
        for (index, endpoint) in endpoints.enumerated() {
            _ = endpoint.send("GET", "/api/v1/pipelines/runs?limit=1", headers: [("X-API-Key", tenants[index].key)])
        }
        let (results, wall) = onThreads(tenants.count) { index in
            let (name, key) = tenants[index]
            let endpoint = endpoints[index]
            let auth = [("X-API-Key", key)]
            var runs = Tally()
            var posts = Tally()
            var polls = Tally()
            for _ in 0..<count {
                let start = monotonicNanoseconds()
                let post = endpoint.send(
                    "POST", "/api/v1/pipelines/run/\(name)/\(template)", headers: auth, body: #"{"trigger_by":"bench"}"#
                )
                posts.record(post, expected: 202) { $0?["pipeline_logging_id"] is String }
                guard post.status == 202, let id = post.json?["pipeline_logging_id"] as? String else {
                    runs.failure("start refused (HTTP \(post.status))", post.excerpt)
                    continue
                }
                var final: [String: Any]?
                while final == nil && monotonicNanoseconds() - start < runTimeout {
                    usleep(pollMicroseconds)
                    let poll = endpoint.send("GET", "/api/v1/pipelines/runs/\(id)", headers: auth)
                    polls.record(poll, expected: 200)
                    runs.polls += 1
                    if poll.status == 200, let json = poll.json, let status = json["status"] as? String,
                        terminalStatuses.contains(status)
                    {
                        final = json
                    }
                }
                let elapsed = since(start)
                guard let final else {
                    runs.failure("timeout", "run \(id) did not end within the run timeout")
                    continue
                }
                let status = final["status"] as? String ?? "?"
                if status == "SUCCESS" {
                    runs.success(elapsed)
                    if let duration = final["duration_ms"] as? NSNumber { runs.server.add(duration.doubleValue) }
                } else {
                    runs.failure(status, "run \(id) ended \(status): \(final["error_message"] ?? "")")
                }
            }
            return [runs, posts, polls]
        }
        var runs = Tally()
        var posts = Tally()
        var polls = Tally()
        for result in results {
            runs.merge(result[0])
            posts.merge(result[1])
            polls.merge(result[2])
        }
        let perRun = runs.attempts > 0 ? Double(runs.polls) / Double(runs.attempts) : 0
        runs.report(
            "dryrun", tenants: tenants.count, wall: wall,
            extra: "polls_per_run=\(format(perRun, 2)) poll_ms=\(pollMicroseconds / 1000)")
        posts.report("dryrun_post", tenants: tenants.count, wall: wall)
        polls.report("dryrun_poll", tenants: tenants.count, wall: wall)
    }

    // MARK: Helpers

    private static func endpoints(_ options: Options, count: Int) throws -> [Endpoint] {
        let base = try options.string("url")
        let caFile = try options.string("ca")
        let timeout = try options.int("request-timeout", default: 60, range: 1...600)
        return (0..<count).map { _ in Endpoint(base: base, caFile: caFile, timeoutSeconds: timeout) }
    }

    private static func tenantKeys(_ options: Options) throws -> [(name: String, key: String)] {
        let pairs = try options.all("tenant").map { text in
            guard let colon = text.firstIndex(of: ":"), TenantName.isValid(String(text[..<colon])) else {
                throw UsageError(message: "--tenant must be NAME:API_KEY")
            }
            return (name: String(text[..<colon]), key: String(text[text.index(after: colon)...]))
        }
        guard !pairs.isEmpty else { throw UsageError(message: "at least one --tenant NAME:API_KEY is required") }
        return pairs
    }
}

enum TenantName {
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (3...50).contains(bytes.count), (0x61...0x7A).contains(bytes[0]) else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }
}

/// Milliseconds since a `monotonicNanoseconds()` reading.
func since(_ start: UInt64) -> Double {
    Double(monotonicNanoseconds() - start) / 1e6
}
