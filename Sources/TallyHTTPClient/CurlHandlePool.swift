import Synchronization

/// Idle easy handles shared by one client's threads. A handle is lent to one thread at a time (never used
/// concurrently) and returned warm, so sequential requests reuse its open connections.
final class CurlHandlePool: Sendable {
    /// Carries a handle across threads. Region-based checking cannot follow a value through a `Mutex` and back,
    /// hence `@unchecked`; it is sound because each handle is reachable from exactly one place at a time: this
    /// idle list (under the lock) or the single `withHandle` call that took it out.
    private struct Idle: @unchecked Sendable {
        let handle: CurlEasy
    }

    private let idle = Mutex<[Idle]>([])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Handles currently idle; for tests and diagnostics.
    var idleCount: Int {
        idle.withLock { $0.count }
    }

    /// Runs `body` with a handle nobody else is using, then keeps the handle if there is room. A handle beyond
    /// capacity is released here, outside the lock, closing its connections.
    func withHandle<Result>(
        _ body: (CurlEasy) throws(HTTPClientError) -> Result
    ) throws(HTTPClientError) -> Result {
        let handle: CurlEasy
        if let reused = idle.withLock({ $0.popLast() }) {
            handle = reused.handle
        } else {
            handle = try CurlEasy()
        }
        defer {
            let surplus = idle.withLock { idle -> Idle? in
                guard idle.count < capacity else { return Idle(handle: handle) }
                idle.append(Idle(handle: handle))
                return nil
            }
            _ = surplus
        }
        return try body(handle)
    }
}
