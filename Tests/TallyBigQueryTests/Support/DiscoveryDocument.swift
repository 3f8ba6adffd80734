import Foundation

@testable import TallyWarehouse

/// BigQuery's discovery document, read at test time from shared/ (never copied into the repository):
/// checks that a request names a real method with known query parameters, and that its body uses only
/// fields of its schema, with the right JSON types and no output-only fields.
struct DiscoveryDocument {
    private let document: BigQueryJSON
    private let schemas: [String: BigQueryJSON]

    /// Nil when the file is absent (shared/ not beside the repository).
    init?(path: String) {
        guard let data = FileManager.default.contents(atPath: path), let document = BigQueryJSON.parse([UInt8](data))
        else { return nil }
        self.document = document
        schemas = document["schemas"]?.object ?? [:]
    }

    /// Problems with `body` as an instance of schema `name`, each naming the JSON path.
    func problems(_ body: BigQueryJSON, schema name: String) -> [String] {
        guard let schema = schemas[name] else { return ["unknown schema \(name)"] }
        return check(body, against: schema, at: name)
    }

    /// Problems with the method and query parameters of a request to `path` (below the host).
    func problems(method: String, path: String, query: [String: String]) -> [String] {
        let isUpload = path.hasPrefix("/upload/")
        let relative = path.replacingOccurrences(of: isUpload ? "/upload/bigquery/v2/" : "/bigquery/v2/", with: "")
        let global = Set(document["parameters"]?.object?.keys.map { $0 } ?? [])
        for (_, resource) in document["resources"]?.object ?? [:] {
            for (_, spec) in resource["methods"]?.object ?? [:] where spec["httpMethod"]?.string == method {
                let template = spec["flatPath"]?.string ?? spec["path"]?.string ?? ""
                guard Self.matches(template, relative) else { continue }
                if isUpload, spec["supportsMediaUpload"]?.bool != true { continue }
                let known = Set(spec["parameters"]?.object?.keys.map { $0 } ?? []).union(global).union(["uploadType"])
                return query.keys.filter { !known.contains($0) }.sorted().map {
                    "\(method) \(path): unknown parameter \($0)"
                }
            }
        }
        return ["\(method) \(path): no such method"]
    }

    private func check(_ value: BigQueryJSON, against spec: BigQueryJSON, at path: String) -> [String] {
        if let reference = spec["$ref"]?.string {
            guard let schema = schemas[reference] else { return ["\(path): unknown schema \(reference)"] }
            return check(value, against: schema, at: path)
        }
        switch (spec["type"]?.string, value) {
        case ("any", _), (_, .null): return []
        case ("string", .string): return []
        case ("boolean", .bool): return []
        case ("number", .number): return []
        case ("integer", .number(let text)): return Int64(text) == nil ? ["\(path): \(text) is not an integer"] : []
        case ("array", .array(let items)):
            guard let itemSpec = spec["items"] else { return [] }
            return items.enumerated().flatMap { check($1, against: itemSpec, at: "\(path)[\($0)]") }
        case ("object", .object(let members)):
            var problems: [String] = []
            let properties = spec["properties"]?.object
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties?[key] {
                    if property["readOnly"]?.bool == true { problems.append("\(path).\(key): output-only field sent") }
                    problems += check(member, against: property, at: "\(path).\(key)")
                } else if let additional = spec["additionalProperties"] {
                    problems += check(member, against: additional, at: "\(path).\(key)")
                } else {
                    problems.append("\(path).\(key): not a field of the schema")
                }
            }
            return problems
        case (let type, _):
            return ["\(path): expected \(type ?? "?"), got \(value.text.prefix(40))"]
        }
    }

    /// `projects/{projectsId}/datasets/{+datasetId}` against `projects/p/datasets/d`.
    private static func matches(_ template: String, _ path: String) -> Bool {
        let pattern = template.split(separator: "/", omittingEmptySubsequences: false)
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard pattern.count == parts.count else { return false }
        return zip(pattern, parts).allSatisfy { $0.hasPrefix("{") ? !$1.isEmpty : $0 == $1 }
    }
}
