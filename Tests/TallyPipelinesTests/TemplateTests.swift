import Foundation
import TallyHTTP
import Testing

@testable import TallyPipelines
@testable import TallyWarehouse

/// The repository's `configs/` directory, found from this file's location.
let configsRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("configs").path

@Suite struct TemplateTests {
    @Test func substitutesKnownVariablesOnly() throws {
        let values = ["tenant_id": "acme", "pipeline_id": "acme-gcp-cost-x"]
        #expect(
            try TemplateVariables.substitute("SELECT * FROM {tenant_id}.t -- {pipeline_id}", values)
                == "SELECT * FROM acme.t -- acme-gcp-cost-x")
        #expect(
            try TemplateVariables.substitute("json_extract(x, '$.a') || '{ \"k\": 1 }'", values)
                == "json_extract(x, '$.a') || '{ \"k\": 1 }'")
        #expect(throws: TemplateError.self) { try TemplateVariables.substitute("{tenantid}", values) }
    }

    @Test func identityRefusesUnsafeSegments() throws {
        for bad in ["..", "a/b", "A", "", "-x", "x y", "%2e", String(repeating: "a", count: 65)] {
            #expect(throws: TemplateError.self) {
                try PipelineIdentity(tenantID: "acme", provider: bad, domain: "cost", templateName: "t")
            }
        }
        let identity = try PipelineIdentity(tenantID: "acme", provider: "gcp", domain: "cost", templateName: "bill-x")
        #expect(identity.pipelineID == "acme-gcp-cost-bill-x")
        #expect(identity.templatePath == "gcp/cost/bill-x.yml")
    }

    @Test func shippedTemplatesLoadAndValidate() throws {
        let catalog = TemplateCatalog(root: configsRoot)
        let dryrun = try catalog.template(atRelativePath: "gcp/example/dryrun.yml")
        #expect(dryrun.steps.map(\.type) == [.query, .dataQuality])
        let bill = try catalog.template(atRelativePath: "gcp/cost/bill-sample-export-template.yml")
        #expect(bill.parameters.map(\.name) == ["date"])
        #expect(bill.steps.first?.type == .load)
        let kinds = Set(bill.steps.flatMap(\.checks).map(\.type))
        #expect(kinds.isSuperset(of: [.rowCount, .notNull, .unique, .acceptedValues, .range, .freshness, .customSQL]))
        for step in bill.steps where step.type == .query {
            #expect(step.sql?.text(for: .sqlite) != step.sql?.text(for: .bigquery))
        }
    }

    @Test func unknownTemplateIsNotFoundAndPathsStayInsideConfigs() throws {
        let catalog = TemplateCatalog(root: configsRoot)
        let identity = try PipelineIdentity(tenantID: "acme", provider: "gcp", domain: "cost", templateName: "nope")
        #expect(throws: TemplateError.notFound("gcp/cost/nope")) { try catalog.template(for: identity) }
        #expect(throws: TemplateError.self) { try catalog.file(atRelativePath: "../Package.swift") }
        #expect(throws: TemplateError.self) { try catalog.file(atRelativePath: "/etc/passwd") }
    }

    @Test func validatorRejectsCyclesAndBadSteps() {
        let a = StepSpec(id: "a", type: .query, dependsOn: ["b"], sql: SQLText("SELECT 1"), destination: "t1")
        let b = StepSpec(id: "b", type: .query, dependsOn: ["a"], sql: SQLText("SELECT 1"), destination: "t2")
        #expect(throws: TemplateError.self) {
            try TemplateValidator.validate(PipelineTemplate(parameters: [], steps: [a, b]), name: "t")
        }
        let noDestination = StepSpec(id: "q", type: .query, sql: SQLText("SELECT 1"))
        #expect(throws: TemplateError.self) {
            try TemplateValidator.validate(PipelineTemplate(parameters: [], steps: [noDestination]), name: "t")
        }
        var badColumn = CheckSpec(type: .notNull, column: "x; DROP TABLE y")
        badColumn.severity = .error
        let dq = StepSpec(id: "d", type: .dataQuality, table: "t", checks: [badColumn])
        #expect(throws: TemplateError.self) {
            try TemplateValidator.validate(PipelineTemplate(parameters: [], steps: [dq]), name: "t")
        }
        let badOutput = StepSpec(
            id: "e", type: .extract, destination: "focus", source: "s", outputs: ["totals": "t; DROP TABLE x"])
        #expect(throws: TemplateError.self) {
            try TemplateValidator.validate(PipelineTemplate(parameters: [], steps: [badOutput]), name: "t")
        }
        let goodOutput = StepSpec(
            id: "e", type: .extract, destination: "focus", source: "s", outputs: ["totals": "source_totals"])
        #expect(throws: Never.self) {
            try TemplateValidator.validate(PipelineTemplate(parameters: [], steps: [goodOutput]), name: "t")
        }
    }

    @Test func dependencyOrderIsRespected() throws {
        let steps = [
            StepSpec(id: "c", type: .query, dependsOn: ["b"], sql: SQLText("1"), destination: "t"),
            StepSpec(id: "a", type: .query, sql: SQLText("1"), destination: "t"),
            StepSpec(id: "b", type: .query, dependsOn: ["a"], sql: SQLText("1"), destination: "t"),
        ]
        #expect(try TemplateValidator.order(steps) { .invalid($0) }.map(\.id) == ["a", "b", "c"])
    }
}
