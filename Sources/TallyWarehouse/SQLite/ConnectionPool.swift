import Synchronization

/// A connection with the identity of the dataset file it was opened on.
struct PooledConnection: Sendable {
    let connection: SQLiteConnection
    let identity: FileIdentity
}

/// Idle connections kept per dataset, because opening one (attach, journal mode, pragmas) costs far more than
/// a typical statement. Bounded per dataset and in total; the least recently returned go first. Connections
/// are closed outside the lock, since closing the last one on a file checkpoints its WAL.
final class ConnectionPool: Sendable {
    private struct Idle {
        let pooled: PooledConnection
        let returnedAt: UInt64
    }

    private struct State {
        var idle: [String: [Idle]] = [:]
        var count = 0
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())
    private let perDataset: Int
    private let total: Int

    init(perDataset: Int = 4, total: Int = 64) {
        self.perDataset = perDataset
        self.total = total
    }

    /// An idle connection to `dataset` if there is one still open on the file `identity`; idle connections on
    /// an older file of the same name are dropped.
    func take(_ dataset: String, identity: FileIdentity) -> PooledConnection? {
        let (found, stale) = state.withLock { state -> (PooledConnection?, [Idle]) in
            guard var list = state.idle.removeValue(forKey: dataset) else { return (nil, []) }
            state.count -= list.count
            guard list.last?.pooled.identity == identity else { return (nil, list) }
            let found = list.removeLast()
            if !list.isEmpty {
                state.idle[dataset] = list
                state.count += list.count
            }
            return (found.pooled, [])
        }
        _ = stale
        return found
    }

    /// Returns a connection for reuse, closing whatever no longer fits.
    func giveBack(_ pooled: PooledConnection) {
        let evicted = state.withLock { state -> [Idle] in
            state.clock += 1
            var evicted: [Idle] = []
            var list = state.idle[pooled.connection.dataset, default: []]
            if list.count >= perDataset { evicted.append(list.removeFirst()) }
            list.append(Idle(pooled: pooled, returnedAt: state.clock))
            state.idle[pooled.connection.dataset] = list
            state.count += 1 - evicted.count
            while state.count > total, let oldest = Self.leastRecentlyReturned(in: state.idle) {
                evicted.append(state.idle[oldest]!.removeFirst())
                if state.idle[oldest]!.isEmpty { state.idle[oldest] = nil }
                state.count -= 1
            }
            return evicted
        }
        _ = evicted
    }

    /// Closes the dataset's idle connections (it is being deleted).
    func evict(_ dataset: String) {
        let evicted = state.withLock { state -> [Idle] in
            let list = state.idle.removeValue(forKey: dataset) ?? []
            state.count -= list.count
            return list
        }
        _ = evicted
    }

    private static func leastRecentlyReturned(in idle: [String: [Idle]]) -> String? {
        idle.min { ($0.value.first?.returnedAt ?? .max) < ($1.value.first?.returnedAt ?? .max) }?.key
    }
}
