/// A table within a dataset. Both names are validated identifiers, so generated SQL can quote them safely.
public struct TableRef: Sendable, Hashable, CustomStringConvertible {
    public let dataset: String
    public let table: String

    public init(dataset: String, table: String) throws(WarehouseError) {
        guard Identifier.isValid(dataset) else { throw .invalidName(dataset) }
        guard Identifier.isValid(table) else { throw .invalidName(table) }
        self.dataset = dataset
        self.table = table
    }

    public var description: String { "\(dataset).\(table)" }
}

/// A staged table that replaces its destination when a run succeeds.
public struct TableSwap: Sendable, Hashable {
    public var staging: TableRef
    public var destination: TableRef

    public init(staging: TableRef, destination: TableRef) {
        self.staging = staging
        self.destination = destination
    }
}

/// Dataset, table and column names: letters, digits and underscores, not starting with a digit.
public enum Identifier {
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, (1...128).contains(name.utf8.count) else { return false }
        let isLetter = { (byte: UInt8) in (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        return (isLetter(first) || first == 0x5F) && name.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == 0x5F }
    }
}
