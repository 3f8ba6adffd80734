/// Request or response headers. Names compare case-insensitively; order is kept for responses.
public struct HTTPHeaders: Sendable, Sequence, Equatable {
    private var fields: [(name: String, value: String)] = []

    public init(_ fields: [(String, String)] = []) {
        for (name, value) in fields { add(name: name, value: value) }
    }

    /// Empty, with room for `minimumCapacity` fields (the parser knows roughly how many headers come).
    public init(minimumCapacity: Int) {
        fields.reserveCapacity(minimumCapacity)
    }

    /// The first value for `name`, compared case-insensitively (ASCII, as HTTP defines it; no allocation).
    public subscript(_ name: String) -> String? {
        fields.first { ASCIIBytes.caseInsensitiveEquals($0.name, name) }?.value
    }

    public mutating func add(name: String, value: String) {
        fields.append((name, value))
    }

    /// Replaces every value of `name` with one value.
    public mutating func replaceOrAdd(name: String, value: String) {
        // Checked first: `removeAll(where:)` copies a shared array (e.g. a pre-built response's) even when
        // nothing matches.
        if fields.contains(where: { ASCIIBytes.caseInsensitiveEquals($0.name, name) }) {
            fields.removeAll { ASCIIBytes.caseInsensitiveEquals($0.name, name) }
        }
        fields.append((name, value))
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    public var count: Int { fields.count }

    /// Equal when the same fields come in the same order (names compared exactly).
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}
