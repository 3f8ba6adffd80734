import TallyWarehouse

/// Where a run writes before it succeeds. Each destination gets a staging table named after the run;
/// later steps of the same run read the staged version, and the destinations change only when the run
/// is promoted. A failed or cancelled run therefore leaves every destination as it was.
struct StagingPlan: Sendable {
    let dataset: String
    let runID: String
    /// Destinations whose staging table exists, in the order they were first written.
    private(set) var staged: [String] = []

    init(dataset: String, runID: String) {
        self.dataset = dataset
        self.runID = runID
    }

    func stagingName(for destination: String) -> String {
        "_stg_\(runID.prefix(8))_\(destination)"
    }

    func stagingTable(for destination: String) throws(WarehouseError) -> TableRef {
        try TableRef(dataset: dataset, table: stagingName(for: destination))
    }

    func isStaged(_ destination: String) -> Bool {
        staged.contains(destination)
    }

    mutating func markStaged(_ destination: String) {
        if !staged.contains(destination) { staged.append(destination) }
    }

    /// The swaps that publish the run's output.
    func swaps() throws(WarehouseError) -> [TableSwap] {
        var swaps: [TableSwap] = []
        for destination in staged {
            swaps.append(
                TableSwap(
                    staging: try stagingTable(for: destination),
                    destination: try TableRef(dataset: dataset, table: destination)))
        }
        return swaps
    }

    /// Points `dataset.table` references at the staged tables of this run, so a later step sees what an
    /// earlier one wrote. Only whole references are rewritten (`ds.cost` is not `ds.cost_summary`).
    func rewrite(_ sql: String) -> String {
        var output = sql
        for destination in staged {
            output = Self.replaceReference(
                in: output, "\(dataset).\(destination)", with: "\(dataset).\(stagingName(for: destination))")
        }
        return output
    }

    static func replaceReference(in text: String, _ reference: String, with replacement: String) -> String {
        let isNameByte = { (byte: UInt8) in
            (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
        }
        let bytes = Array(text.utf8)
        let target = Array(reference.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let end = index + target.count
            if end <= bytes.count, bytes[index..<end].elementsEqual(target),
                index == 0 || !isNameByte(bytes[index - 1]), end == bytes.count || !isNameByte(bytes[end])
            {
                output.append(contentsOf: replacement.utf8)
                index = end
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
