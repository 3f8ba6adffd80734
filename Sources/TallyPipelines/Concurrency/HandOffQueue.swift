import Foundation

/// A bounded queue between threads that stops at the first failure: producers block while `capacity` items
/// wait, consumers block while none do. Bulk loads use it between a reader, decoding workers and a writer, so
/// memory stays bounded however large the source is, and one error ends every side of the pipeline.
public final class HandOffQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    // Guarded by `condition`:
    private var items: [Element] = []
    private var closed = false
    private var failure: (any Error)?

    public init(capacity: Int) {
        precondition(capacity > 0, "a hand-off queue holds at least one item")
        self.capacity = capacity
    }

    /// Adds an item, waiting for room; throws the recorded failure instead once there is one.
    public func put(_ item: Element) throws {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity, failure == nil { condition.wait() }
        if let failure { throw failure }
        items.append(item)
        condition.broadcast()
    }

    /// The next item, waiting for one; nil once the queue is closed and empty, or has failed.
    public func take() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty, !closed, failure == nil { condition.wait() }
        guard failure == nil, !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// No more items will be put; takers drain what is queued, then get nil.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Records the first failure and drops what is queued: putters throw it, takers get nil.
    public func fail(_ error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// The first failure recorded, if any.
    public var error: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }
}
