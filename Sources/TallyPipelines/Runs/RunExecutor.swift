import Foundation
import Logging
import Synchronization
import TallyWarehouse

/// Runs pipelines off the request threads, on a small pool of its own, and keeps the heartbeat of every
/// run it holds fresh so the reaper can tell a live run from one whose instance died.
public final class RunExecutor: Sendable {
    struct Job: Sendable {
        var runID: String
        var identity: PipelineIdentity
        var parameters: RunParameters
    }

    private let runner: PipelineRunner
    private let store: RunStore
    private let logger: Logger
    private let concurrency: Int
    private let heartbeatInterval: Duration
    private let queue = Mutex<[Job]>([])
    private let held = Mutex<[String: String]>([:])
    private let available = DispatchSemaphore(value: 0)

    public init(runner: PipelineRunner, concurrency: Int = 2, heartbeatInterval: Duration = .seconds(5), logger: Logger)
    {
        self.runner = runner
        self.store = runner.store
        self.logger = logger
        self.concurrency = max(1, concurrency)
        self.heartbeatInterval = heartbeatInterval
    }

    /// Starts the worker and heartbeat threads.
    public func start() {
        for index in 0..<concurrency {
            let thread = Thread { [self] in work() }
            thread.name = "tally-runs-\(index)"
            thread.start()
        }
        let heartbeat = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: Double(heartbeatInterval.components.seconds))
                beat()
            }
        }
        heartbeat.name = "tally-heartbeat"
        heartbeat.start()
    }

    /// Queues a PENDING run; it is executed as soon as a pool thread is free.
    public func submit(runID: String, identity: PipelineIdentity, parameters: RunParameters) {
        held.withLock { $0[runID] = identity.tenantID }
        queue.withLock { $0.append(Job(runID: runID, identity: identity, parameters: parameters)) }
        available.signal()
    }

    /// Called when the instance stops: fails every run it still holds, so their pipelines can run again
    /// at once instead of after the reaper's bound. A run still executing cannot publish afterwards, since
    /// its promotion requires the RUNNING status.
    public func stop() {
        queue.withLock { $0.removeAll() }
        let runs = held.withLock { $0 }
        for (runID, tenantID) in runs {
            _ = try? store.transition(
                runID, tenantID: tenantID, from: [.pending, .running], to: .failed,
                set: [
                    "ended_at": .timestamp(Date()),
                    "error_message": .string("the instance running it stopped; start the run again"),
                ])
        }
        if !runs.isEmpty { logger.warning("failed unfinished runs at stop", metadata: ["runs": "\(runs.count)"]) }
    }

    private func work() {
        while true {
            available.wait()
            guard let job = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            runner.execute(runID: job.runID, identity: job.identity, parameters: job.parameters)
            _ = held.withLock { $0.removeValue(forKey: job.runID) }
        }
    }

    private func beat() {
        let runs = held.withLock { $0 }
        for (runID, tenantID) in runs {
            do {
                try store.heartbeat(runID, tenantID: tenantID)
            } catch {
                logger.warning("heartbeat failed", metadata: ["run": "\(runID)", "error": "\(error)"])
            }
        }
    }
}
