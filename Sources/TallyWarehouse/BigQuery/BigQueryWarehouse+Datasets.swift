import Foundation

extension BigQueryWarehouse {
    static let tenantLabel = "tally_tenant"
    /// A random token written by the creating call: if a retried datasets.insert answers 409, the dataset
    /// carrying our own token was made by our earlier attempt, so the call still reports `true`.
    static let claimLabel = "tally_claim"

    /// datasets.insert in the configured location, labelled `tally_tenant`; 409 means another creator won.
    /// The winner also creates the dataset's lock table (see `+Execute`).
    public func createDataset(_ dataset: String, labels: [String: String]) throws(WarehouseError) -> Bool {
        try Self.validate(dataset: dataset)
        try BigQueryLabels.validate(labels)
        let claim = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var all = labels
        if all[Self.tenantLabel] == nil { all[Self.tenantLabel] = BigQueryLabels.sanitizedValue(dataset) }
        all[Self.claimLabel] = claim
        let body: BigQueryJSON = .object([
            "datasetReference": .object(["projectId": .string(project), "datasetId": .string(dataset)]),
            "location": .string(location), "labels": .object(all.mapValues(BigQueryJSON.string)),
        ])
        do {
            _ = try api.send(.post("datasets", body, schema: "Dataset"))
        } catch let error where error.status == 409 {
            let existing = try? api.send(.get(datasetPath(dataset))).body
            guard existing?["labels"]?[Self.claimLabel]?.string == claim else { return false }
        } catch {
            throw error.warehouseError(dataset: dataset)
        }
        try createLockTable(in: dataset)
        return true
    }

    public func datasetExists(_ dataset: String) throws(WarehouseError) -> Bool {
        try Self.validate(dataset: dataset)
        return try datasetResource(dataset) != nil
    }

    /// datasets.delete with `deleteContents=true`; a missing dataset is not an error.
    public func deleteDataset(_ dataset: String) throws(WarehouseError) {
        try Self.validate(dataset: dataset)
        do {
            _ = try api.send(
                BigQueryCall(method: "DELETE", path: datasetPath(dataset), query: [("deleteContents", "true")]))
        } catch let error where error.reason == "notFound" {
            return
        } catch {
            throw error.warehouseError(dataset: dataset)
        }
    }

    /// Tally's datasets only (labelled `tally_tenant`): a project may hold others, such as billing exports.
    public func listDatasets() throws(WarehouseError) -> [String] {
        var names: [String] = []
        var token: String?
        for _ in 0..<1_000 {
            var query = [("filter", "labels.\(Self.tenantLabel)"), ("maxResults", "1000")]
            if let token { query.append(("pageToken", token)) }
            let page: BigQueryJSON
            do {
                page = try api.send(.get("datasets", query: query)).body
            } catch {
                throw error.warehouseError()
            }
            names += (page["datasets"]?.array ?? []).compactMap { $0["datasetReference"]?["datasetId"]?.string }
            guard let next = page["nextPageToken"]?.string, !next.isEmpty, next != token else { return names.sorted() }
            token = next
        }
        throw .io("datasets.list did not end")
    }

    public func datasetLabels(_ dataset: String) throws(WarehouseError) -> [String: String]? {
        try Self.validate(dataset: dataset)
        guard let resource = try datasetResource(dataset) else { return nil }
        return Self.labels(of: resource)
    }

    /// Reads the labels, merges, and patches the whole map: right whether PATCH merges the map or replaces it.
    public func updateDatasetLabels(_ dataset: String, _ labels: [String: String]) throws(WarehouseError) {
        try Self.validate(dataset: dataset)
        try BigQueryLabels.validate(labels)
        guard let resource = try datasetResource(dataset) else { throw .datasetNotFound(dataset) }
        var merged = resource["labels"]?.object ?? [:]
        for (key, value) in labels { merged[key] = .string(value) }
        let call = BigQueryCall(
            method: "PATCH", path: datasetPath(dataset), body: .object(["labels": .object(merged)]),
            bodySchema: "Dataset")
        do {
            _ = try api.send(call)
        } catch {
            throw error.warehouseError(dataset: dataset)
        }
    }

    /// The Dataset resource, or nil when it does not exist.
    func datasetResource(_ dataset: String) throws(WarehouseError) -> BigQueryJSON? {
        do {
            return try api.send(.get(datasetPath(dataset))).body
        } catch let error where error.reason == "notFound" {
            return nil
        } catch {
            throw error.warehouseError(dataset: dataset)
        }
    }

    static func labels(of resource: BigQueryJSON) -> [String: String] {
        var labels: [String: String] = [:]
        for (key, value) in resource["labels"]?.object ?? [:] where key != claimLabel {
            labels[key] = value.string ?? ""
        }
        return labels
    }
}
