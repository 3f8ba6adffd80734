import Foundation
import TallyHTTPClient
import TallyPipelines
import TallySources
import TallyWarehouse
import Testing

/// The schema files under `configs/schemas/` document the tables the sources create; they must not drift
/// from the extractors' schemas (raw tables) or from what the templates load (FOCUS).
@Suite struct SchemaFileTests {
    let catalog = TemplateCatalog(root: CostHarness.configs)

    @Test(arguments: [
        ("openai_costs", "openai_costs_raw"), ("openai_completions_usage", "openai_usage_raw"),
        ("anthropic_cost_report", "anthropic_cost_raw"), ("anthropic_messages_usage", "anthropic_usage_raw"),
        ("openai_cost_window", "cost_windows"),
    ])
    func rawSchemaFileMatchesTheExtractor(extractor: String, file: String) throws {
        let extractors = CostSources.all(client: HTTPClient(), environment: [:])
        let schema = try #require(extractors.first { $0.name == extractor }?.schema)
        #expect(try catalog.schema(atRelativePath: "schemas/\(file).yml") == schema)
    }

    @Test func gcpExtractorWritesFocusAndItsTotalsOutput() throws {
        let extractors = CostSources.all(client: HTTPClient(), environment: [:])
        let gcp = try #require(extractors.first { $0.name == "gcp_billing_export" })
        #expect(gcp.schema == nil)  // the step names schemas/focus_costs.yml
        let totals = try #require(gcp.auxiliaryOutputs["totals"])
        #expect(try catalog.schema(atRelativePath: "schemas/cost_source_totals.yml") == totals)
        let template = try catalog.template(atRelativePath: "gcp/cost/billing-export.yml")
        let load = try #require(template.steps.first { $0.source == "gcp_billing_export" })
        #expect(load.schema == "schemas/focus_costs.yml")
        #expect(load.outputs == ["totals": "cost_source_totals"])
    }

    @Test func focusSchemaHasEveryFocus12ColumnThenCustomColumns() throws {
        let fields = try catalog.schema(atRelativePath: "schemas/focus_costs.yml").fields
        let names = fields.map(\.name)
        #expect(names.count == 78)
        let custom = names.drop { !$0.hasPrefix("x_") }
        #expect(custom.allSatisfy { $0.hasPrefix("x_") })
        #expect(names.count - custom.count == 59)
        for name in ["BilledCost", "BillingAccountType", "InvoiceId", "SubAccountType", "PricingCurrency"] {
            #expect(names.contains(name))
        }
        #expect(fields.first { $0.name == "Tags" }?.type == .json)
        #expect(fields.first { $0.name == "BillingPeriodEnd" }?.type == .timestamp)
        #expect(fields.first { $0.name == "BilledCost" }?.mode == .required)
    }

    @Test(arguments: ["gcp/cost/billing-export.yml", "openai/cost/costs.yml", "anthropic/cost/cost-report.yml"])
    func templatesLoadAndNameKnownSources(path: String) throws {
        let template = try catalog.template(atRelativePath: path)
        let known = Set(CostSources.all(client: HTTPClient(), environment: [:]).map(\.name))
        for step in template.steps where step.type == .extract {
            #expect(known.contains(step.source ?? ""), "\(step.id)")
        }
        #expect(template.parameters.map(\.name) == ["date", "start_date", "end_date", "trailing_days"])
        #expect(template.parameters.allSatisfy { !$0.required })
        for step in template.steps where step.type == .query {
            #expect(step.sql?.text(for: .sqlite) != nil && step.sql?.text(for: .bigquery) != nil, "\(step.id)")
            #expect(step.replace?.contains("x_source = '") == true, "\(step.id)")
        }
    }
}
