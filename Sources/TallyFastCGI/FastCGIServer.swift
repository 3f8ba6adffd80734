import Foundation
import Logging
import Synchronization
import TallyHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// A multi-threaded libfcgi responder: one thread per connection, a `Responder` to answer each request,
/// and a graceful stop on SIGTERM.
///
/// Threads are plain OS threads on purpose: libfcgi's accept and stream calls block, and one thread owns
/// one connection until it closes (libfcgi does not multiplex).
public final class FastCGIServer: Sendable {
    /// How the server listens and how hard it works.
    public struct Configuration: Sendable {
        public var listen: ListenAddress
        public var workers: Int
        public var maxBodyBytes: Int
        /// How long in-flight requests get to finish after SIGTERM before the process exits anyway.
        public var shutdownTimeout: Duration

        public init(
            listen: ListenAddress, workers: Int = 8, maxBodyBytes: Int = 1 << 20,
            shutdownTimeout: Duration = .seconds(15)
        ) {
            self.listen = listen
            self.workers = max(1, workers)
            self.maxBodyBytes = maxBodyBytes
            self.shutdownTimeout = shutdownTimeout
        }
    }

    private let configuration: Configuration
    private let responder: any Responder
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let stopRequested = DispatchSemaphore(value: 0)
    private let slots: [WorkerSlot]

    public init(configuration: Configuration, responder: any Responder, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.slots = (0..<configuration.workers).map { _ in WorkerSlot() }
    }

    /// Serves until SIGTERM or SIGINT (or `stop()`), then drains in-flight requests and returns.
    /// Returns false when some requests were still running at the shutdown deadline.
    public func run(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        notifier: SystemdNotifier = SystemdNotifier()
    ) throws(ListenError) -> Bool {
        SignalWaiter.install()
        guard LibFCGI.initialize() else { throw ListenError(message: "FCGX_Init failed") }
        let (fd, ownsSocket) = try ListenSocket.open(configuration.listen, environment: environment)
        guard ListenSocket.isSocket(fd) else {
            throw ListenError(message: "fd \(fd) is not a socket; start under systemd or pass --listen")
        }
        SignalWaiter.start { [self] signal in
            logger.info("received signal \(signal); stopping", metadata: ["signal": "\(signal)"])
            stop()
        }
        let handler = RequestHandler(
            responder: responder, parser: RequestParser(maxBodyBytes: configuration.maxBodyBytes), logger: logger)
        for (index, slot) in slots.enumerated() {
            let thread = Thread { [self] in workerLoop(slot: slot, listenFD: fd, handler: handler) }
            thread.name = "tally-worker-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        notifier.notify("READY=1\nSTATUS=serving on \(configuration.listen)")
        logger.info(
            "serving", metadata: ["listen": "\(configuration.listen)", "workers": "\(configuration.workers)"])
        if let interval = notifier.watchdogInterval { startWatchdog(notifier, interval: interval) }

        stopRequested.wait()
        notifier.notify("STOPPING=1")
        let drained = drain()
        if ownsSocket, case .unix(let path) = configuration.listen { unlink(path) }
        logger.info("stopped", metadata: ["drained": "\(drained)"])
        return drained
    }

    /// Call first thing in `main`: unblocks the signals a parent process may have blocked and routes
    /// SIGTERM/SIGINT to the server's signal thread, so a stop request is never lost.
    public static func prepareProcessSignals() {
        SignalWaiter.install()
    }

    /// Begins a graceful stop: no new requests are accepted, in-flight ones finish.
    public func stop() {
        if stopping.exchange(true, ordering: .sequentiallyConsistent) { return }
        LibFCGI.requestShutdown()
        stopRequested.signal()
    }

    private func workerLoop(slot: WorkerSlot, listenFD: Int32, handler: RequestHandler) {
        let fcgi = LibFCGI(listenFD: listenFD)
        var buffers = WorkerBuffers()
        slot.register(thread: pthread_self())
        while true {
            slot.set(.idle)
            if stopping.load(ordering: .sequentiallyConsistent) { break }
            let status = fcgi.accept()
            if status != 0 {
                if stopping.load(ordering: .sequentiallyConsistent) { break }
                if status == -EINTR { continue }
                logger.error("FCGX_Accept_r failed", metadata: ["errno": "\(-status)"])
                usleep(100_000)
                continue
            }
            slot.set(.busy(since: .now))
            handler.handle(fcgi, buffers: &buffers)
            fcgi.finish()
        }
        slot.set(.exited)
    }

    /// Wakes idle workers until every worker has exited, or the deadline passes.
    private func drain() -> Bool {
        let deadline = ContinuousClock.now + configuration.shutdownTimeout
        while ContinuousClock.now < deadline {
            if slots.allSatisfy({ $0.phase == .exited }) { return true }
            // Repeated, because a worker may be between its stop check and accept() on the first pass.
            for slot in slots { slot.wakeIfIdle() }
            usleep(20_000)
        }
        let busy = slots.filter { if case .busy = $0.phase { true } else { false } }.count
        logger.warning("shutdown deadline passed with requests in flight", metadata: ["busy": "\(busy)"])
        return false
    }

    /// Pings systemd's watchdog only while workers make progress: a worker stuck in one request for a whole
    /// watchdog period while none is idle means the instance is wedged, and systemd should restart it.
    private func startWatchdog(_ notifier: SystemdNotifier, interval: Duration) {
        let thread = Thread { [self] in
            while !stopping.load(ordering: .sequentiallyConsistent) {
                Thread.sleep(forTimeInterval: interval.seconds)
                let now = ContinuousClock.now
                let healthy = slots.contains { slot in
                    switch slot.phase {
                    case .idle, .starting: true
                    case .busy(let since): now - since < interval * 2
                    case .exited: false
                    }
                }
                if healthy { notifier.notify("WATCHDOG=1") }
            }
        }
        thread.name = "tally-watchdog"
        thread.start()
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
