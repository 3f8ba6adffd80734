import Foundation
import Testing

@testable import TallyAPI

@Suite struct OnboardingAPITests {
    @Test func onboardsTwoTenantsWithTheDesignedBody() throws {
        let app = try TestApp()
        for tenant in ["acmeinc_23xv2", "globex_7"] {
            let reply = app.send("POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": tenant])
            #expect(reply.status == 201)
            #expect(reply.json["tenant_id"] as? String == tenant)
            #expect(reply.json["dataset_created"] as? Bool == true)
            #expect(reply.json["dryrun_status"] as? String == "SUCCESS")
            #expect(
                reply.json["tables_created"] as? [String]
                    == ["pipeline_runs", "step_logs", "dq_results", "api_keys", "cloud_credentials"])
            let key = try #require(reply.json["api_key"] as? String)
            #expect(key.hasPrefix(tenant + "_api_") && key.count == tenant.count + 5 + 32)
            #expect(try app.warehouse.listTables(tenant).contains("api_keys"))
        }
        #expect(try app.warehouse.listDatasets().sorted() == ["acmeinc_23xv2", "globex_7"])
    }

    @Test func existingTenantIs409AndNothingChanges() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        let before = try app.rows("acme", "SELECT COUNT(*) AS n FROM acme.api_keys")
        let reply = app.send("POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": "acme"])
        #expect(reply.status == 409)
        #expect(reply.error == "tenant_exists")
        #expect(try app.rows("acme", "SELECT COUNT(*) AS n FROM acme.api_keys") == before)
        #expect(app.send("GET", "/api/v1/tenants/acme/api-keys", apiKey: key).status == 200)
    }

    @Test(arguments: [
        "a", "ab", "1acme", "Acme", "acme-inc", "acme; DROP TABLE x", "acme'--", "../etc", "acme/../x", "acme\u{0}",
        String(repeating: "a", count: 51), "",
    ])
    func refusesBadTenantIDs(_ tenant: String) throws {
        let app = try TestApp()
        let reply = app.send("POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": tenant])
        #expect(reply.status == 400)
        #expect(reply.error == "invalid_tenant_id")
        #expect(try app.warehouse.listDatasets().isEmpty)
    }

    @Test func refusesMalformedBodiesAndMissingAdminKey() throws {
        let app = try TestApp()
        #expect(app.send("POST", "/api/v1/customers/onboard", body: ["tenant_id": "acme"]).status == 401)
        #expect(
            app.send("POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": 5]).error == "invalid_field")
        #expect(
            app.send("POST", "/api/v1/customers/onboard", admin: true, body: [String: String]()).error
                == "missing_field")
        #expect(
            app.send("POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": "acme", "x": 1]).error
                == "unknown_field")
        #expect(
            app.send("POST", "/api/v1/customers/onboard", admin: true, rawBody: "{not json").error == "invalid_json")
        #expect(app.send("POST", "/api/v1/customers/onboard", admin: true, rawBody: "[1,2]").status == 400)
        #expect(try app.warehouse.listDatasets().isEmpty)
    }

    @Test func apiKeyIsStoredOnlyAsHashAndBoundCiphertext() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        _ = try app.onboard("globex")
        let row = try #require(try app.rows("acme", "SELECT * FROM acme.api_keys").first)
        let id = try #require(row["api_key_id"]?.stringValue)
        let ciphertext = try #require(row["encrypted_api_key"]?.bytesValue)
        #expect(row["api_key_hash"]?.stringValue?.count == 64)
        #expect(try app.services.apiKeys.decryptStoredKey(ciphertext, keyID: id, tenant: .init("acme")!) == key)
        #expect(throws: (any Error).self) {
            try app.services.apiKeys.decryptStoredKey(ciphertext, keyID: id, tenant: .init("globex")!)
        }
        #expect(throws: (any Error).self) {
            try app.services.apiKeys.decryptStoredKey(
                ciphertext, keyID: UUID().uuidString.lowercased(), tenant: .init("acme")!)
        }
        // No plaintext key in any file of the warehouse (database, WAL, shared memory).
        let root = app.home + "/warehouse"
        for file in try FileManager.default.contentsOfDirectory(atPath: root) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: root + "/" + file))
            #expect(bytes.range(of: Data(key.utf8)) == nil, "plaintext key found in \(file)")
            #expect(bytes.range(of: Data(key.suffix(32).utf8)) == nil, "key secret found in \(file)")
        }
    }
}
