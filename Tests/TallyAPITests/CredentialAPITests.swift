import Foundation
import Testing

@testable import TallyAPI

@Suite struct CredentialAPITests {
    static let openAIKey = "sk-admin-" + String(repeating: "Q7", count: 16)
    static let path = "/api/v1/tenants/acme/credentials"

    static func serviceAccount(dropping field: String? = nil) throws -> String {
        var key: [String: String] = [
            "type": "service_account", "client_email": "loader@acme.iam.gserviceaccount.com",
            "private_key": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
            "token_uri": "https://oauth2.googleapis.com/token", "project_id": "acme",
        ]
        if let field { key[field] = nil }
        return String(decoding: try JSONSerialization.data(withJSONObject: key), as: UTF8.self)
    }

    @Test func storesEncryptedAndListsMetadataOnly() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        let created = app.send(
            "POST", Self.path, apiKey: key,
            body: [
                "provider": "openai", "credential_type": "api_key", "value": Self.openAIKey,
                "settings": ["organization_id": "org-1"],
            ])
        #expect(created.status == 201)
        #expect(created.json["provider"] as? String == "openai")
        #expect(created.json["is_active"] as? Bool == true)
        let id = try #require(created.json["credential_id"] as? String)
        let listed = app.send("GET", Self.path, apiKey: key)
        let text = String(decoding: try JSONSerialization.data(withJSONObject: listed.json), as: UTF8.self)
        #expect(!text.contains(Self.openAIKey))
        #expect((listed.json["credentials"] as? [Any])?.count == 1)

        let resolved = try #require(try app.services.credentials.activeCredential(tenantID: "acme", provider: "openai"))
        #expect(resolved.secret == Self.openAIKey)
        #expect(!"\(resolved)".contains(Self.openAIKey))
        let root = app.home + "/warehouse"
        for file in try FileManager.default.contentsOfDirectory(atPath: root) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: root + "/" + file))
            #expect(bytes.range(of: Data(Self.openAIKey.utf8)) == nil, "plaintext secret in \(file)")
        }

        #expect(app.send("DELETE", "\(Self.path)/\(id)", apiKey: key).status == 200)
        #expect(try app.services.credentials.activeCredential(tenantID: "acme", provider: "openai") == nil)
        #expect(app.send("DELETE", "\(Self.path)/\(UUID().uuidString.lowercased())", apiKey: key).status == 404)
    }

    @Test func newestActiveCredentialWins() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        let second = "sk-ant-admin01-" + String(repeating: "B", count: 40)
        for value in ["sk-ant-admin01-" + String(repeating: "A", count: 40), second] {
            let reply = app.send(
                "POST", Self.path, apiKey: key,
                body: ["provider": "anthropic", "credential_type": "api_key", "value": value])
            #expect(reply.status == 201)
            usleep(2000)
        }
        #expect(
            try app.services.credentials.activeCredential(tenantID: "acme", provider: "anthropic")?.secret == second)
    }

    @Test func refusesUnusableCredentialsWithoutEchoingThem() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        let ordinary = "sk-proj-" + String(repeating: "Z", count: 40)
        let cases: [([String: Any], String)] = [
            (["provider": "openai", "credential_type": "api_key", "value": ordinary], "invalid_credential"),
            (
                [
                    "provider": "anthropic", "credential_type": "api_key",
                    "value": "sk-ant-api03-" + String(repeating: "Z", count: 40),
                ], "invalid_credential"
            ),
            (
                [
                    "provider": "gcp", "credential_type": "service_account",
                    "value": try Self.serviceAccount(dropping: "private_key"),
                ], "invalid_credential"
            ),
            (["provider": "gcp", "credential_type": "service_account", "value": "not json"], "invalid_credential"),
            (
                ["provider": "gcp", "credential_type": "api_key", "value": try Self.serviceAccount()],
                "invalid_credential_type"
            ),
            (["provider": "aws", "credential_type": "api_key", "value": "x"], "unsupported_provider"),
            (
                [
                    "provider": "openai", "credential_type": "api_key", "value": Self.openAIKey,
                    "settings": ["region": "x"],
                ], "invalid_settings"
            ),
            (
                [
                    "provider": "gcp", "credential_type": "service_account", "value": try Self.serviceAccount(),
                    "settings": ["billing_export_file": "/nonexistent/export.ndjson"],
                ], "invalid_settings"
            ),
            (["provider": "openai", "credential_type": "api_key"], "missing_field"),
            (["provider": "openai", "credential_type": "api_key", "value": 5], "invalid_field"),
            (
                ["provider": "openai", "credential_type": "api_key", "value": Self.openAIKey, "extra": true],
                "unknown_field"
            ),
        ]
        for (body, code) in cases {
            let reply = app.send("POST", Self.path, apiKey: key, body: body)
            #expect(
                reply.status == 400 && reply.error == code, "\(body["provider"] ?? "") → \(reply.status) \(reply.json)")
            let text = String(decoding: try JSONSerialization.data(withJSONObject: reply.json), as: UTF8.self)
            #expect(!text.contains(ordinary) && !text.contains("BEGIN PRIVATE KEY"))
        }
        #expect(try app.services.credentials.list(.init("acme")!).isEmpty)
        let valid = app.send(
            "POST", Self.path, apiKey: key,
            body: [
                "provider": "gcp", "credential_type": "service_account", "value": try Self.serviceAccount(),
                "settings": ["billing_export_table": "acme-billing.billing.gcp_billing_export_v1_01A2B3"],
            ])
        #expect(valid.status == 201)
    }

    @Test func otherTenantsCannotTouchCredentials() throws {
        let app = try TestApp()
        _ = try app.onboard("acme")
        let globex = try app.onboard("globex")
        let body: [String: Any] = ["provider": "openai", "credential_type": "api_key", "value": Self.openAIKey]
        #expect(app.send("POST", Self.path, apiKey: globex, body: body).status == 403)
        #expect(app.send("GET", Self.path, apiKey: globex).status == 403)
        #expect(app.send("GET", Self.path).status == 401)
        #expect(app.send("POST", Self.path, admin: true, body: body).status == 201)
    }
}
