import Foundation
import Testing

@testable import TallyAPI

@Suite struct APIKeyAPITests {
    @Test func createListRevoke() throws {
        let app = try TestApp()
        let first = try app.onboard("acme")
        let created = app.send("POST", "/api/v1/tenants/acme/api-keys", apiKey: first, body: ["expires_in_days": 30])
        #expect(created.status == 201)
        let second = try #require(created.json["api_key"] as? String)
        let secondID = try #require(created.json["api_key_id"] as? String)
        #expect(created.json["expires_at"] is String)

        let listed = app.send("GET", "/api/v1/tenants/acme/api-keys", apiKey: second)
        let keys = try #require(listed.json["api_keys"] as? [[String: Any]])
        #expect(keys.count == 2)
        let text = String(decoding: try JSONSerialization.data(withJSONObject: listed.json), as: UTF8.self)
        #expect(!text.contains(first) && !text.contains(second) && !text.contains("hash"))

        let revoked = app.send("DELETE", "/api/v1/tenants/acme/api-keys/\(secondID)", apiKey: first)
        #expect(revoked.status == 200)
        #expect(revoked.json["is_active"] as? Bool == false)
        // Revocation takes effect at once on this instance.
        #expect(app.send("GET", "/api/v1/tenants/acme/api-keys", apiKey: second).status == 401)
        #expect(app.send("GET", "/api/v1/tenants/acme/api-keys", apiKey: first).status == 200)
        #expect(app.send("DELETE", "/api/v1/tenants/acme/api-keys/\(UUID().uuidString)", apiKey: first).status == 404)
        #expect(app.send("DELETE", "/api/v1/tenants/acme/api-keys/not-a-key", apiKey: first).status == 404)
    }

    @Test func adminCanManageKeysAndBadBodiesAre400() throws {
        let app = try TestApp()
        _ = try app.onboard("acme")
        #expect(app.send("POST", "/api/v1/tenants/acme/api-keys", admin: true).status == 201)
        #expect(app.send("GET", "/api/v1/tenants/nosuch/api-keys", admin: true).status == 404)
        #expect(
            app.send("POST", "/api/v1/tenants/acme/api-keys", admin: true, body: ["expires_in_days": 0]).status == 400)
        #expect(
            app.send("POST", "/api/v1/tenants/acme/api-keys", admin: true, body: ["expires_in_days": "7"]).status == 400
        )
        #expect(app.send("POST", "/api/v1/tenants/acme/api-keys", admin: true, body: ["name": "x"]).status == 400)
        #expect(app.send("GET", "/api/v1/tenants/acme/api-keys").status == 401)
    }
}
