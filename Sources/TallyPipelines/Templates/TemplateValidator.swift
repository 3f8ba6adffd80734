import TallyWarehouse

/// Checks a template when it loads, so a broken template fails loudly at its first use rather than
/// halfway through a tenant's run.
enum TemplateValidator {
    static let reservedParameters: Set<String> = ["trigger_by"]

    static func validate(_ template: PipelineTemplate, name: String) throws(TemplateError) {
        func fail(_ reason: String) -> TemplateError { .invalid("\(name): \(reason)") }
        for parameter in template.parameters {
            guard Identifier.isValid(parameter.name), !reservedParameters.contains(parameter.name) else {
                throw fail("bad parameter name '\(parameter.name)'")
            }
        }
        let parameterNames = Set(template.parameters.map(\.name)).union(reservedParameters)
        var seen = Set<String>()
        for step in template.steps {
            guard Identifier.isValid(step.id), seen.insert(step.id).inserted else {
                throw fail("step id '\(step.id)' is invalid or repeated")
            }
            for dependency in step.dependsOn where !template.steps.contains(where: { $0.id == dependency }) {
                throw fail("step \(step.id) depends on unknown step '\(dependency)'")
            }
            try validateStep(step, parameters: parameterNames, fail: fail)
        }
        _ = try order(template.steps, fail: fail)
    }

    private static func validateStep(
        _ step: StepSpec, parameters: Set<String>, fail: (String) -> TemplateError
    ) throws(TemplateError) {
        switch step.type {
        case .query:
            guard let sql = step.sql, sql.shared != nil || !sql.perDialect.isEmpty else {
                throw fail("\(step.id): no sql")
            }
            guard let destination = step.destination, Identifier.isValid(destination) else {
                throw fail("\(step.id): query steps need a valid destination")
            }
        case .load:
            guard step.source != nil, step.schema != nil, let destination = step.destination,
                Identifier.isValid(destination)
            else { throw fail("\(step.id): load steps need source, schema and destination") }
        case .extract:
            guard let source = step.source, !source.isEmpty, let destination = step.destination,
                Identifier.isValid(destination)
            else { throw fail("\(step.id): extract steps need source and destination") }
            for (output, table) in step.outputs.sorted(by: { $0.key < $1.key }) where !Identifier.isValid(table) {
                throw fail("\(step.id): output \(output) needs a valid destination table")
            }
        case .dataQuality:
            guard let table = step.table, Identifier.isValid(table), !step.checks.isEmpty else {
                throw fail("\(step.id): data_quality steps need a table and checks")
            }
            for check in step.checks { try validateCheck(check, step: step.id, fail: fail) }
        }
        if let partition = step.partition {
            guard Identifier.isValid(partition.column), parameters.contains(partition.parameter) else {
                throw fail("\(step.id): partition needs a column and a declared parameter")
            }
        }
    }

    private static func validateCheck(
        _ check: CheckSpec, step: String, fail: (String) -> TemplateError
    ) throws(TemplateError) {
        let columns = (check.columns ?? []) + (check.column.map { [$0] } ?? [])
        for column in columns where !Identifier.isValid(column) { throw fail("\(step): bad column '\(column)'") }
        let needsColumn: Set<CheckSpec.Kind> = [.notNull, .acceptedValues, .range, .freshness]
        if needsColumn.contains(check.type), check.column == nil { throw fail("\(step): \(check.type) needs column") }
        switch check.type {
        case .unique where columns.isEmpty: throw fail("\(step): unique needs column or columns")
        case .acceptedValues where (check.values ?? []).isEmpty: throw fail("\(step): accepted_values needs values")
        case .range where check.min == nil && check.max == nil: throw fail("\(step): range needs min or max")
        case .customSQL where check.sql == nil: throw fail("\(step): custom_sql needs sql")
        default: break
        }
    }

    /// Steps in an order that respects `depends_on` (stable otherwise); a cycle is an error.
    static func order(_ steps: [StepSpec], fail: (String) -> TemplateError) throws(TemplateError) -> [StepSpec] {
        var ordered: [StepSpec] = []
        var done = Set<String>()
        var remaining = steps
        while !remaining.isEmpty {
            guard let next = remaining.firstIndex(where: { $0.dependsOn.allSatisfy(done.contains) }) else {
                throw fail("steps \(remaining.map(\.id)) depend on each other in a cycle")
            }
            let step = remaining.remove(at: next)
            done.insert(step.id)
            ordered.append(step)
        }
        return ordered
    }
}
