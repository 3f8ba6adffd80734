import Foundation
import Testing

/// `TALLY_KMS=gcp`: secrets encrypted by Cloud KMS (the local double speaking its wire format), tokens
/// from the metadata server, through nginx and two instances.
@Suite(.serialized) struct CloudKMSIntegrationTests {
    func cluster(_ double: GoogleDouble, key: String) throws -> Cluster {
        try Cluster(extraEnvironment: [
            "TALLY_KMS": "gcp", "TALLY_KMS_KEY": key, "TALLY_KMS_ENDPOINT": double.baseURL,
            "GCE_METADATA_HOST": double.hostAndPort,
        ])
    }

    @Test func onboardingAndCredentialsUseCloudKMS() throws {
        let double = try GoogleDouble()
        let cluster = try cluster(double, key: try double.createKey())
        let key = try cluster.onboard("acme")
        #expect(try double.kmsCalls().contains { $0.hasSuffix(":encrypt") })
        let run = try cluster.request(
            "POST", "/api/v1/pipelines/run/acme/gcp/cost/bill-sample-export-template", apiKey: key,
            body: ["trigger_by": "t", "date": "2025-11-15"])
        #expect(
            try cluster.waitForRun(try #require(run.json["pipeline_logging_id"] as? String), apiKey: key)["status"]
                as? String == "SUCCESS")
        let credential = try cluster.request(
            "POST", "/api/v1/tenants/acme/credentials", apiKey: key,
            body: [
                "provider": "openai", "credential_type": "api_key",
                "value": "sk-admin-" + String(repeating: "k", count: 30),
            ])
        #expect(credential.status == 201)
    }

    @Test func kmsOutageIs503AndLeavesNothingBehind() throws {
        let double = try GoogleDouble()
        let cluster = try cluster(double, key: try double.createKey())
        try double.control(["fail_next": Array(repeating: 503, count: 12)])
        let failed = try cluster.request(
            "POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": "globex"])
        #expect(failed.status == 503)
        #expect(failed.error == "kms_unavailable")
        #expect(try cluster.request("GET", "/api/v1/tenants/globex/api-keys", admin: true).status == 404)
        try double.control(["fail_next": [Int]()])
        // The double may still hold unconsumed failures; a retry after the outage completes the tenant.
        var status = 0
        for _ in 0..<5 where status != 201 {
            status = try cluster.request(
                "POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": "globex"]
            ).status
        }
        #expect(status == 201)
    }

    @Test func expiredTokenIsRefreshedOnce() throws {
        let double = try GoogleDouble()
        let cluster = try cluster(double, key: try double.createKey())
        _ = try cluster.onboard("acme")
        try double.control(["expire_tokens": true])
        #expect(
            try cluster.request("POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": "initech"]).status
                == 201)
    }

    @Test func wrongKMSSettingStopsTheServiceAtStart() throws {
        let home = NSTemporaryDirectory() + "tally-kms-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Cluster.binary)
        process.arguments = ["serve", "--listen", home + ".sock"]
        process.environment = [
            "TALLY_HOME": home, "TALLY_CONFIGS": Cluster.repoRoot + "/configs", "TALLY_KMS": "gcp",
            "PATH": "/usr/bin:/bin",
        ]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(message.contains("TALLY_KMS_KEY"))
    }
}
