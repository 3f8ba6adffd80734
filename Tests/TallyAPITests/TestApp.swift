import Foundation
import Logging
import TallyHTTP
import TallyKMS
import TallyPipelines
import TallyWarehouse

@testable import TallyAPI

/// The whole application in-process, on real SQLite files and a real keyring in a temporary directory,
/// answering requests parsed exactly as the FastCGI layer parses them.
final class TestApp: Sendable {
    static let adminKey = "tally_admin_test_key"
    static let configs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("configs").path

    let home: String
    let services: TallyServices
    let router: Router
    let warehouse: SQLiteWarehouse

    init() throws {
        home = NSTemporaryDirectory() + "tally-api-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try LocalKeyring.create(at: home + "/keyring.json")
        let keyring = try LocalKeyring(path: home + "/keyring.json")
        warehouse = try SQLiteWarehouse(root: home + "/warehouse")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let catalog = TemplateCatalog(root: Self.configs)
        let runner = PipelineRunner(warehouse: warehouse, catalog: catalog, logger: logger)
        let pipelines = PipelineService(runner: runner, executor: nil, instanceID: "test")
        services = try TallyServices(
            warehouse: warehouse, keyManagement: keyring, pipelines: pipelines,
            adminKeyHash: Array(TallyCryptoShim.sha256(Self.adminKey)), logger: logger)
        router = TallyApplication.router(services: services, instance: "test", checks: [])
    }

    deinit {
        try? FileManager.default.removeItem(atPath: home)
    }

    struct Reply {
        var status: Int
        var json: [String: Any]
        var headers: HTTPHeaders

        var error: String? { (json["error"] as? [String: Any])?["code"] as? String }
    }

    /// Sends a request through the same parser and router the service uses.
    func send(
        _ method: String, _ uri: String, apiKey: String? = nil, admin: Bool = false, body: Any? = nil,
        rawBody: String? = nil
    ) -> Reply {
        var params: [String: [UInt8]] = ["REQUEST_METHOD": Array(method.utf8), "REQUEST_URI": Array(uri.utf8)]
        if let apiKey { params["HTTP_X_API_KEY"] = Array(apiKey.utf8) }
        if admin { params["HTTP_X_ADMIN_KEY"] = Array(Self.adminKey.utf8) }
        var bytes: [UInt8] = []
        if let body { bytes = Array(try! JSONSerialization.data(withJSONObject: body)) }
        if let rawBody { bytes = Array(rawBody.utf8) }
        if !bytes.isEmpty {
            params["CONTENT_LENGTH"] = Array(String(bytes.count).utf8)
            params["CONTENT_TYPE"] = Array("application/json".utf8)
        }
        let response: Response
        switch RequestParser().parseHead(params: params) {
        case .success(let head): response = router.respond(to: head.request(body: bytes))
        case .failure(let failure): response = failure.error.response(requestID: failure.requestID)
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return Reply(status: response.status.code, json: json, headers: response.headers)
    }

    /// Onboards a tenant and returns its API key.
    func onboard(_ tenant: String) throws -> String {
        let reply = send("POST", "/api/v1/customers/onboard", admin: true, body: ["tenant_id": tenant])
        guard reply.status == 201, let key = reply.json["api_key"] as? String else {
            throw TestFailure("onboarding \(tenant) answered \(reply.status) \(reply.json)")
        }
        return key
    }

    func rows(_ tenant: String, _ sql: String) throws -> [Row] {
        try warehouse.query(sql, parameters: [:], in: tenant).rows
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
