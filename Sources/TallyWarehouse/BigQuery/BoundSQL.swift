/// Caller SQL with its parameters bound BigQuery's way: only the parameters the text references are sent
/// (BigQuery need not see unrelated run values), each under an optional per-statement prefix so statements
/// sharing a script cannot collide on a name, and NULLs written as the `NULL` keyword (see
/// `BigQueryParameters`).
struct BoundSQL {
    var sql: String
    var parameters: [BigQueryJSON]

    init(_ sql: String, _ values: [String: WarehouseValue], prefix: String = "") throws(WarehouseError) {
        let scanner = SQLScanner(sql)
        guard !scanner.hasSeveralStatements else {
            throw .invalidQuery("one SQL statement expected, found several")
        }
        var byName: [String: WarehouseValue] = [:]
        for (name, value) in values { byName[name.lowercased()] = value }
        var parameters: [String: BigQueryJSON] = [:]
        self.sql = SQLScanner(scanner.trimmedStatement).replacingParameters { name in
            guard let value = byName[name.lowercased()] else { return nil }
            guard let (type, text) = BigQueryParameters.typed(value) else { return "NULL" }
            let bound = prefix + name.lowercased()
            parameters[bound] = BigQueryParameters.json(name: bound, type: type, value: text)
            return "@" + bound
        }
        self.parameters = parameters.keys.sorted().map { parameters[$0]! }
    }

    /// The `query` part of a job configuration or QueryRequest: standard SQL, named parameters.
    func queryFields(defaultDataset: String?, project: String) -> [String: BigQueryJSON] {
        var fields: [String: BigQueryJSON] = ["query": .string(sql), "useLegacySql": .bool(false)]
        if !parameters.isEmpty {
            fields["parameterMode"] = .string("NAMED")
            fields["queryParameters"] = .array(parameters)
        }
        if let defaultDataset {
            fields["defaultDataset"] = .object(["projectId": .string(project), "datasetId": .string(defaultDataset)])
        }
        return fields
    }
}
