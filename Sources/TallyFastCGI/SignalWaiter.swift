#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// Delivers SIGTERM and SIGINT to one dedicated thread through `sigwait`.
///
/// The signals are blocked before any other thread starts, so they never interrupt a worker mid-request,
/// and no handler closure runs in signal context (or on the main actor, which Swift 6 would assume for
/// top-level code).
enum SignalWaiter {
    /// Blocks SIGTERM and SIGINT in the calling thread; threads created afterwards inherit the mask.
    static func blockTerminationSignals() {
        var set = terminationSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts a thread that calls `handler` with each termination signal received.
    static func start(_ handler: @escaping @Sendable (Int32) -> Void) {
        let thread = Thread {
            var set = terminationSet()
            while true {
                var signal: Int32 = 0
                if sigwait(&set, &signal) == 0 { handler(signal) }
            }
        }
        thread.name = "tally-signals"
        thread.start()
    }

    private static func terminationSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }
}
