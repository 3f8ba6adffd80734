import Foundation
import Synchronization
import Testing

/// The design document's phase 3, through nginx and two instances: onboarding two customers, running
/// pipelines with their own keys, isolation, encryption at rest, duplicate runs, failing checks, bad input.
/// Every test runs on the embedded warehouse and again with `TALLY_WAREHOUSE=bigquery` against the local
/// BigQuery peer (skipped, saying why, where the peer cannot be installed).
@Suite(.serialized) struct TenantIntegrationTests {
    static func billPath(_ tenant: String) -> String {
        "/api/v1/pipelines/run/\(tenant)/gcp/cost/bill-sample-export-template"
    }

    @Test(arguments: Cluster.Mode.allCases) func twoCustomersRunTheirOwnPipelinesInIsolation(_ mode: Cluster.Mode)
        throws
    {
        guard let cluster = try Cluster.make(mode) else { return }
        let acme = try cluster.onboard("acmeinc_23xv2")
        let globex = try cluster.onboard("globex_corp")
        let body = ["trigger_by": "ops@example.com", "date": "2025-11-15"]
        var runs: [String: String] = [:]
        for (tenant, key) in [("acmeinc_23xv2", acme), ("globex_corp", globex)] {
            let reply = try cluster.request("POST", Self.billPath(tenant), apiKey: key, body: body)
            #expect(reply.status == 202)
            #expect(reply.json["status"] as? String == "PENDING")
            #expect(reply.json["tenant_id"] as? String == tenant)
            runs[tenant] = try #require(reply.json["pipeline_logging_id"] as? String)
        }
        for (tenant, key) in [("acmeinc_23xv2", acme), ("globex_corp", globex)] {
            let run = try cluster.waitForRun(runs[tenant]!, apiKey: key)
            #expect(run["status"] as? String == "SUCCESS", "\(run)")
            #expect((run["steps"] as? [Any])?.count == 4)
        }
        // Cross-tenant attempts.
        #expect(try cluster.request("POST", Self.billPath("globex_corp"), apiKey: acme, body: body).status == 403)
        #expect(try cluster.get("/api/v1/pipelines/runs/\(runs["globex_corp"]!)", apiKey: acme).status == 404)
        #expect(try cluster.get("/api/v1/tenants/globex_corp/api-keys", apiKey: acme).status == 403)
        #expect(
            try cluster.request(
                "POST", Self.billPath("acmeinc_23xv2"),
                apiKey: "acmeinc_23xv2_api_" + String(repeating: "z", count: 32), body: body
            ).status == 401)
        // Encryption at rest: no plaintext key anywhere in the warehouse files.
        let root = cluster.home + "/warehouse"
        for file in mode != .sqlite ? [] : try FileManager.default.contentsOfDirectory(atPath: root) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: root + "/" + file))
            for key in [acme, globex] { #expect(bytes.range(of: Data(key.utf8)) == nil, "\(file) holds a key") }
        }
    }

    @Test(arguments: Cluster.Mode.allCases) func concurrentRunsOfOnePipelineNeverOverlap(_ mode: Cluster.Mode) throws {
        guard let cluster = try Cluster.make(mode) else { return }
        let key = try cluster.onboard("acme")
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let reply = try? cluster.request(
                "POST", Self.billPath("acme"), apiKey: key, body: ["trigger_by": "t", "date": "2025-11-15"])
            if let reply {
                statuses.withLock { $0.append(reply.status) }
                if reply.status == 409 {
                    #expect(reply.error == "run_already_active")
                    #expect(
                        ((reply.json["error"] as? [String: Any])?["active_pipeline_logging_id"] as? String)?.count == 36
                    )
                }
            }
        }
        let all = statuses.withLock { $0 }
        #expect(all.count == 8)
        #expect(all.allSatisfy { $0 == 202 || $0 == 409 })
        #expect(all.contains(409), "eight simultaneous starts cannot all run")
        let list = try cluster.get(
            "/api/v1/pipelines/runs?pipeline_id=acme-gcp-cost-bill-sample-export-template", apiKey: key)
        let runs = try #require(list.json["runs"] as? [[String: Any]])
        for run in runs { _ = try cluster.waitForRun(run["pipeline_logging_id"] as! String, apiKey: key) }
        let ended = try #require(
            try cluster.get("/api/v1/pipelines/runs?pipeline_id=acme-gcp-cost-bill-sample-export-template", apiKey: key)
                .json["runs"] as? [[String: Any]])
        let intervals = ended.compactMap { run -> (String, String)? in
            guard let start = run["created_at"] as? String, let end = run["ended_at"] as? String else { return nil }
            return (start, end)
        }.sorted { $0.0 < $1.0 }
        for (earlier, later) in zip(intervals, intervals.dropFirst()) {
            #expect(earlier.1 <= later.0, "runs overlapped: \(earlier) and \(later)")
        }
    }

    @Test(arguments: Cluster.Mode.allCases) func failingErrorCheckFailsTheRunAndIsRecorded(_ mode: Cluster.Mode) throws
    {
        guard let cluster = try Cluster.make(mode) else { return }
        let key = try cluster.onboard("acme")
        let reply = try cluster.request(
            "POST", Self.billPath("acme"), apiKey: key, body: ["trigger_by": "t", "date": "2019-06-01"])
        #expect(reply.status == 202)
        let run = try cluster.waitForRun(try #require(reply.json["pipeline_logging_id"] as? String), apiKey: key)
        #expect(run["status"] as? String == "FAILED")
        let checks = try #require(run["dq_results"] as? [[String: Any]])
        #expect(checks.contains { $0["check_name"] as? String == "rows_for_date" && $0["status"] as? String == "FAIL" })
    }

    @Test(arguments: Cluster.Mode.allCases) func cancelAndRevocationAcrossInstances(_ mode: Cluster.Mode) throws {
        guard let cluster = try Cluster.make(mode, extraEnvironment: ["TALLY_AUTH_CACHE_TTL_SECONDS": "2"]) else {
            return
        }
        let key = try cluster.onboard("acme")
        let started = try cluster.request(
            "POST", Self.billPath("acme"), apiKey: key, body: ["trigger_by": "t", "date": "2025-11-15"])
        let id = try #require(started.json["pipeline_logging_id"] as? String)
        let cancel = try cluster.request("DELETE", "/api/v1/pipelines/runs/\(id)", apiKey: key)
        #expect(cancel.status == 200 || cancel.error == "run_not_cancellable")
        let final = try cluster.waitForRun(id, apiKey: key)
        if cancel.status == 200 { #expect(final["status"] as? String == "CANCELLED") }

        let second = try #require(
            try cluster.request("POST", "/api/v1/tenants/acme/api-keys", apiKey: key).json["api_key"] as? String)
        let secondID = try #require(
            (try cluster.get("/api/v1/tenants/acme/api-keys", apiKey: key).json["api_keys"] as? [[String: Any]])?
                .last?["api_key_id"] as? String)
        // A key made on one instance works on the others once their cached key sets may refresh (2 s).
        usleep(2_200_000)
        // Warm both instances' caches with the second key.
        for _ in 0..<8 { #expect(try cluster.get("/api/v1/pipelines/runs", apiKey: second).status == 200) }
        #expect(try cluster.request("DELETE", "/api/v1/tenants/acme/api-keys/\(secondID)", apiKey: key).status == 200)
        usleep(2_500_000)
        for _ in 0..<8 { #expect(try cluster.get("/api/v1/pipelines/runs", apiKey: second).status == 401) }
    }

    @Test(arguments: Cluster.Mode.allCases) func badInputIs4xxAndChangesNothing(_ mode: Cluster.Mode) throws {
        guard let cluster = try Cluster.make(mode) else { return }
        let key = try cluster.onboard("acme")
        for tenant in ["acme'; DROP TABLE x;--", "../../etc/passwd", "ACME", "a", "acme/../b"] {
            let reply = try cluster.request(
                "POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": tenant])
            #expect(reply.status == 400, "\(tenant)")
        }
        let paths = [
            "/api/v1/pipelines/run/acme/gcp/cost/unknown-template", "/api/v1/pipelines/run/acme/gcp/%2e%2e/x",
            "/api/v1/pipelines/run/acme/gcp/cost/..%2f..%2fPackage",
        ]
        for path in paths {
            let reply = try cluster.request("POST", path, apiKey: key, body: ["trigger_by": "t", "date": "2025-11-15"])
            #expect((400..<500).contains(reply.status), "\(path) → \(reply.status)")
        }
        for body: [String: Any] in [
            ["trigger_by": "t", "date": "2025-13-01"], ["trigger_by": 1, "date": "2025-11-15"], ["date": "2025-11-15"],
        ] {
            #expect(try cluster.request("POST", Self.billPath("acme"), apiKey: key, body: body).status == 400)
        }
        let runs = try #require(try cluster.get("/api/v1/pipelines/runs", apiKey: key).json["runs"] as? [Any])
        #expect(runs.count == 1, "only the onboarding dry run exists")
        if mode == .sqlite {
            let files = try FileManager.default.contentsOfDirectory(atPath: cluster.home + "/warehouse")
            #expect(files.filter { $0.hasSuffix(".sqlite") } == ["acme.sqlite"], "no dataset for a refused tenant")
        }
    }
}
