import Foundation
import TallyHTTP
import TallyWarehouse

/// One row of `pipeline_runs`, as the API reports it.
public struct PipelineRun: Sendable, Encodable, Equatable {
    public var pipelineLoggingID: String
    public var pipelineID: String
    public var tenantID: String
    public var provider: String
    public var domain: String
    public var templateName: String
    public var status: RunStatus
    public var triggerBy: String
    public var parameters: [String: JSONValue]
    public var createdAt: Date
    public var startedAt: Date?
    public var endedAt: Date?
    public var durationMs: Int64?
    public var rowsWritten: Int64?
    public var errorMessage: String?

    enum CodingKeys: String, CodingKey {
        case status, parameters, provider, domain
        case pipelineLoggingID = "pipeline_logging_id"
        case pipelineID = "pipeline_id"
        case tenantID = "tenant_id"
        case templateName = "template_name"
        case triggerBy = "trigger_by"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case durationMs = "duration_ms"
        case rowsWritten = "rows_written"
        case errorMessage = "error_message"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(pipelineLoggingID, forKey: .pipelineLoggingID)
        try container.encode(pipelineID, forKey: .pipelineID)
        try container.encode(tenantID, forKey: .tenantID)
        try container.encode(provider, forKey: .provider)
        try container.encode(domain, forKey: .domain)
        try container.encode(templateName, forKey: .templateName)
        try container.encode(status, forKey: .status)
        try container.encode(triggerBy, forKey: .triggerBy)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(WarehouseTimestamp.format(createdAt), forKey: .createdAt)
        try container.encode(startedAt.map(WarehouseTimestamp.format), forKey: .startedAt)
        try container.encode(endedAt.map(WarehouseTimestamp.format), forKey: .endedAt)
        try container.encode(durationMs, forKey: .durationMs)
        try container.encode(rowsWritten, forKey: .rowsWritten)
        try container.encode(errorMessage, forKey: .errorMessage)
    }

    init?(row: Row) {
        guard let id = row["pipeline_logging_id"]?.stringValue, let pipelineID = row["pipeline_id"]?.stringValue,
            let status = row["status"]?.stringValue.flatMap(RunStatus.init(rawValue:)),
            let createdAt = row["created_at"]?.timestampValue
        else { return nil }
        pipelineLoggingID = id
        self.pipelineID = pipelineID
        tenantID = row["tenant_id"]?.stringValue ?? ""
        provider = row["provider"]?.stringValue ?? ""
        domain = row["domain"]?.stringValue ?? ""
        templateName = row["template_name"]?.stringValue ?? ""
        self.status = status
        triggerBy = row["trigger_by"]?.stringValue ?? ""
        let parametersJSON = Data((row["parameters"]?.stringValue ?? "{}").utf8)
        parameters = (try? JSONDecoder().decode([String: JSONValue].self, from: parametersJSON)) ?? [:]
        self.createdAt = createdAt
        startedAt = row["started_at"]?.timestampValue
        endedAt = row["ended_at"]?.timestampValue
        durationMs = row["duration_ms"]?.intValue
        rowsWritten = row["rows_written"]?.intValue
        errorMessage = row["error_message"]?.stringValue
    }
}
