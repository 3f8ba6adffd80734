import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Delivers SIGTERM and SIGINT to one dedicated thread through a self-pipe.
///
/// Whichever thread the kernel picks, the handler only writes the signal number to a pipe (async-signal
/// safe, `SA_RESTART` so no worker's system call is interrupted); the signal thread reads it and runs the
/// Swift handler outside signal context. Installed before `FCGX_Init`, so libfcgi keeps its hands off
/// SIGTERM (it only takes over signals left at their default).
enum SignalWaiter {
    private nonisolated(unsafe) static var pipeFDs: [Int32] = [-1, -1]
    private nonisolated(unsafe) static var writeFD: Int32 = -1

    /// Unblocks every signal a parent may have blocked (a test runner, a shell) and installs the handlers.
    static func install() {
        var empty = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, nil)
        guard writeFD < 0 else { return }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        // The write end must never block inside a signal handler; neither end leaks into children.
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        pipeFDs = fds
        writeFD = fds[1]
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            var byte = UInt8(truncatingIfNeeded: signal)
            _ = write(SignalWaiter.writeFD, &byte, 1)
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGINT, &action, nil)
    }

    /// Starts a thread that calls `handler` with each termination signal received.
    static func start(_ handler: @escaping @Sendable (Int32) -> Void) {
        install()
        let readFD = pipeFDs[0]
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(readFD, &byte, 1)
                if count == 1 {
                    handler(Int32(byte))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        thread.name = "tally-signals"
        thread.start()
    }
}
