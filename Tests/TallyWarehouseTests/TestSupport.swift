import Foundation
import Synchronization

@testable import TallyWarehouse

/// A warehouse root in a fresh temporary directory, removed when the value goes out of scope.
struct TemporaryRoot: ~Copyable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("tally-wh-\(UUID().uuidString)").path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func warehouse() throws -> SQLiteWarehouse { try SQLiteWarehouse(root: path) }

    /// A warehouse with dataset `acme` already created.
    func warehouseWithDataset(_ dataset: String = "acme") throws -> SQLiteWarehouse {
        let warehouse = try warehouse()
        _ = try warehouse.createDataset(dataset, labels: [:])
        return warehouse
    }
}

/// Runs `body` on `count` new threads that start together, and waits for all of them.
func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let arrived = Arrivals()
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread.detachNewThread {
            arrived.arriveAndWait(for: count)
            body(index)
            group.leave()
        }
    }
    group.wait()
}

private final class Arrivals: Sendable {
    private let count = Atomic(0)

    func arriveAndWait(for total: Int) {
        count.add(1, ordering: .sequentiallyConsistent)
        while count.load(ordering: .sequentiallyConsistent) < total { sched_yield() }
    }
}

/// Collects values from several threads.
final class Collector<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

extension SQLiteWarehouse {
    func count(_ table: String, in dataset: String = "acme") throws -> Int64? {
        try query("SELECT COUNT(*) AS n FROM \(dataset).\(table)", in: dataset).scalar?.intValue
    }
}

func table(_ name: String, in dataset: String = "acme") throws -> TableRef {
    try TableRef(dataset: dataset, table: name)
}
