import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What one worker thread is doing, shared with the shutdown path (which wakes idle workers) and the
/// watchdog (which only pings while workers make progress).
final class WorkerSlot: Sendable {
    enum Phase: Sendable, Equatable {
        case starting
        case idle
        case busy(since: ContinuousClock.Instant)
        case exited
    }

    private struct State: @unchecked Sendable {
        var phase: Phase = .starting
        // pthread_t is an integer on Linux; it is only used to deliver SIGUSR1 to this worker.
        var thread: pthread_t?
    }

    private let state = Mutex(State())

    var phase: Phase { state.withLock { $0.phase } }

    func register(thread: pthread_t) {
        state.withLock { $0.thread = thread }
    }

    func set(_ phase: Phase) {
        state.withLock { $0.phase = phase }
    }

    /// Interrupts the worker's blocking `accept()` so it sees the shutdown; only idle workers are
    /// signalled, since an EINTR in the middle of a request would break its response.
    func wakeIfIdle() {
        state.withLock { state in
            if state.phase == .idle || state.phase == .starting, let thread = state.thread {
                pthread_kill(thread, SIGUSR1)
            }
        }
    }
}
