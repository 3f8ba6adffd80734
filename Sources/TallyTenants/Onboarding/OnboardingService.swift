import Foundation
import TallyHTTP
import TallyPipelines
import TallyWarehouse
import Yams

/// Onboards a tenant: its dataset and tables, its first API key, and a dry run that proves it works.
///
/// The dataset is created atomically (one winner across instances) and labelled `creating` until every
/// step has succeeded; any failure deletes it again, so no half-made tenant remains. A dataset left
/// `creating` by an instance that died is treated as abandoned after `abandonAfter`, and a retry rebuilds it.
public struct OnboardingService: Sendable {
    let warehouse: any Warehouse
    let keys: APIKeyStore
    let pipelines: PipelineService
    let template: OnboardingTemplate
    let abandonAfter: TimeInterval
    let onKeysChanged: @Sendable (String) -> Void

    static let stateLabel = "tally_state"
    static let createdLabel = "tally_created"

    public init(
        warehouse: any Warehouse, keys: APIKeyStore, pipelines: PipelineService, abandonAfter: TimeInterval = 300,
        onKeysChanged: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(TemplateError) {
        self.warehouse = warehouse
        self.keys = keys
        self.pipelines = pipelines
        self.abandonAfter = abandonAfter
        self.onKeysChanged = onKeysChanged
        let path = try pipelines.catalog.file(atRelativePath: "customer/onboarding-template.yml")
        do {
            template = try YAMLDecoder().decode(
                OnboardingTemplate.self, from: String(contentsOfFile: path, encoding: .utf8))
            for table in template.tables { _ = try pipelines.catalog.schema(atRelativePath: table.schema) }
        } catch let error as TemplateError {
            throw error
        } catch {
            throw .invalid("customer/onboarding-template.yml: \(error)")
        }
    }

    public func onboard(_ tenantText: String, now: Date = Date()) throws -> OnboardingResult {
        guard let tenant = TenantID(tenantText) else { throw TenantError.invalidTenantID }
        try claimDataset(tenant, now: now)
        do {
            return try build(tenant, now: now)
        } catch {
            try? warehouse.deleteDataset(tenant.value)
            onKeysChanged(tenant.value)
            throw error
        }
    }

    /// Creates the dataset, or reclaims one abandoned mid-onboarding; 409 when the tenant exists.
    private func claimDataset(_ tenant: TenantID, now: Date) throws {
        var labels = try substituted(template.dataset.labels, tenant)
        labels[Self.stateLabel] = "creating"
        labels[Self.createdLabel] = String(Int(now.timeIntervalSince1970))
        do {
            if try warehouse.createDataset(tenant.value, labels: labels) { return }
            guard let existing = try warehouse.datasetLabels(tenant.value) else {
                throw TenantError.onboardingInProgress
            }
            if existing[Self.stateLabel] != "creating" { throw TenantError.tenantExists }
            let created = existing[Self.createdLabel].flatMap(TimeInterval.init) ?? 0
            guard now.timeIntervalSince1970 - created > abandonAfter else { throw TenantError.onboardingInProgress }
            try warehouse.deleteDataset(tenant.value)
            guard try warehouse.createDataset(tenant.value, labels: labels) else {
                throw TenantError.onboardingInProgress
            }
        } catch let error as WarehouseError {
            throw TenantError.warehouse(error)
        }
    }

    private func build(_ tenant: TenantID, now: Date) throws -> OnboardingResult {
        var created: [String] = []
        for table in template.tables {
            let schema = try pipelines.catalog.schema(atRelativePath: table.schema)
            try warehouse.createTable(TableRef(dataset: tenant.value, table: table.name), schema: schema)
            created.append(table.name)
        }
        let expiry = template.apiKey.expiresInDays.map { now.addingTimeInterval(Double($0) * 86_400) }
        let (key, stored) = try keys.create(for: tenant, expiresAt: expiry, now: now)
        let parts = template.dryrun.pipeline.split(separator: "/").map(String.init)
        guard parts.count == 3 else { throw TemplateError.invalid("dryrun.pipeline must be provider/domain/template") }
        let identity = try PipelineIdentity(
            tenantID: tenant.value, provider: parts[0], domain: parts[1], templateName: parts[2])
        let run = try pipelines.runNow(identity, body: ["trigger_by": .string(template.dryrun.triggerBy)])
        guard run.status == .success else { throw TenantError.dryRunFailed(run.errorMessage ?? run.status.rawValue) }
        try warehouse.updateDatasetLabels(tenant.value, [Self.stateLabel: "ready"])
        onKeysChanged(tenant.value)
        return OnboardingResult(
            tenantID: tenant.value, apiKey: key, apiKeyID: stored.id, datasetCreated: true, tablesCreated: created,
            dryrunStatus: run.status.rawValue, dryrunPipelineLoggingID: run.pipelineLoggingID)
    }

    private func substituted(_ labels: [String: String], _ tenant: TenantID) throws -> [String: String] {
        var output: [String: String] = [:]
        for (name, value) in labels {
            output[name] = try TemplateVariables.substitute(value, ["tenant_id": tenant.value])
        }
        return output
    }
}
