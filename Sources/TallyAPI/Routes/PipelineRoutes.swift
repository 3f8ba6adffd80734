import TallyHTTP
import TallyPipelines
import TallyTenants

/// Starting, following, listing and cancelling pipeline runs, for tenants (API key).
struct PipelineRoutes: Sendable {
    let services: TallyServices
    let auth: RequestAuthentication

    func register(in router: inout Router) {
        router.add(.post, "/api/v1/pipelines/run/{tenant_id}/{provider}/{domain}/{template_name}") { request, path in
            _ = try auth.tenant(request, actingOn: path["tenant_id"])
            let identity = try PipelineIdentity(
                tenantID: path["tenant_id"], provider: path["provider"], domain: path["domain"],
                templateName: path["template_name"])
            let body = try JSONCoding.decodeBody([String: JSONValue].self, from: request)
            let run = try services.pipelines.startRun(identity, body: body)
            return .json(
                StartedRun(
                    pipelineLoggingID: run.pipelineLoggingID, pipelineID: run.pipelineID, tenantID: run.tenantID,
                    status: run.status.rawValue),
                status: .accepted)
        }
        router.add(.get, "/api/v1/pipelines/runs/{pipeline_logging_id}") { request, path in
            let tenant = try tenantID(of: try auth.tenant(request))
            return .json(try services.pipelines.details(runID: path["pipeline_logging_id"], tenantID: tenant))
        }
        router.add(.delete, "/api/v1/pipelines/runs/{pipeline_logging_id}") { request, path in
            let tenant = try tenantID(of: try auth.tenant(request))
            return .json(try services.pipelines.cancel(runID: path["pipeline_logging_id"], tenantID: tenant))
        }
        router.add(.get, "/api/v1/pipelines/runs") { request, _ in
            let tenant = try tenantID(of: try auth.tenant(request))
            let filter = try RunListQuery(request.query)
            let runs = try services.pipelines.list(
                tenantID: tenant, pipelineID: filter.pipelineID, status: filter.status, limit: filter.limit)
            return .json(RunList(runs: runs, count: runs.count))
        }
    }

    private func tenantID(of principal: Principal) throws -> String {
        guard case .tenant(let tenant, _) = principal else { throw TenantError.forbidden }
        return tenant.value
    }

    struct StartedRun: Encodable {
        var pipelineLoggingID: String
        var pipelineID: String
        var tenantID: String
        var status: String

        enum CodingKeys: String, CodingKey {
            case status
            case pipelineLoggingID = "pipeline_logging_id"
            case pipelineID = "pipeline_id"
            case tenantID = "tenant_id"
        }
    }

    struct RunList: Encodable {
        var runs: [PipelineRun]
        var count: Int
    }
}

/// The query string of `GET /api/v1/pipelines/runs`, validated.
struct RunListQuery: Sendable, Equatable {
    var pipelineID: String?
    var status: RunStatus?
    var limit: Int

    static let defaultLimit = 50

    init(_ query: [String: String]) throws(APIError) {
        if let unknown = query.keys.sorted().first(where: { !["pipeline_id", "status", "limit"].contains($0) }) {
            throw .badRequest(code: "unknown_parameter", "Query parameter '\(unknown)' is not accepted.")
        }
        pipelineID = query["pipeline_id"]
        if let pipelineID, pipelineID.isEmpty || pipelineID.utf8.count > 200 {
            throw .badRequest(code: "invalid_parameter", "pipeline_id must be 1 to 200 characters.")
        }
        if let text = query["status"] {
            guard let status = RunStatus(rawValue: text.uppercased()) else {
                throw .badRequest(
                    code: "invalid_parameter",
                    "status must be one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            self.status = status
        }
        if let text = query["limit"] {
            guard let limit = Int(text), (1...PipelineService.maxListLimit).contains(limit) else {
                throw .badRequest(
                    code: "invalid_parameter", "limit must be an integer from 1 to \(PipelineService.maxListLimit).")
            }
            self.limit = limit
        } else {
            limit = Self.defaultLimit
        }
    }
}
