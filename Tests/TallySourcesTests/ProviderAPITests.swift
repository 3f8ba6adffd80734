import Foundation
import TallyHTTPClient
import Testing

@testable import TallySources

/// The HTTP edge of the LLM sources, without a server: where keys may be sent and how queries are encoded.
@Suite struct ProviderAPITests {
    struct Empty: Decodable {}

    @Test(arguments: ["http://api.example.com", "http://10.0.0.7:8080", "ftp://127.0.0.1"])
    func adminKeysTravelOnlyOverTLSOrLoopback(baseURL: String) {
        let api = ProviderAPI(provider: "OpenAI", baseURL: baseURL, client: HTTPClient(), retry: .disabled)
        #expect(throws: SourceError("OpenAI base URL must be https (plain http only for 127.0.0.1 or localhost)")) {
            try api.get(Empty.self, path: "/v1/organization/costs", query: [], headers: [], context: "page 1")
        }
    }

    @Test func queryValuesArePercentEncoded() {
        #expect(ProviderAPI.escape("group_by[]") == "group_by%5B%5D")
        #expect(ProviderAPI.escape("cursor+/=?&") == "cursor%2B%2F%3D%3F%26")
        #expect(ProviderAPI.escape("2025-11-13T00:00:00Z") == "2025-11-13T00%3A00%3A00Z")
    }

    @Test func unreachableProviderIsNamedWithoutTheKey() throws {
        let api = ProviderAPI(
            provider: "Anthropic", baseURL: "http://127.0.0.1:9", client: HTTPClient(), retry: .disabled)
        let key = "sk-ant-admin01-secret-value-0000"
        do {
            _ = try api.get(
                Empty.self, path: "/v1/organizations/me", query: [], headers: [(name: "x-api-key", value: key)],
                context: "organization")
            Issue.record("expected a failure")
        } catch {
            #expect(
                error.description
                    == "Anthropic GET /v1/organizations/me: request failed (organization): connection failed")
            #expect(!error.description.contains(key))
        }
    }
}
