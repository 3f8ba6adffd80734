import Foundation
import Logging
import TallyWarehouse

/// Fails runs whose instance stopped heartbeating (crashed, killed, lost its host), so no run stays
/// PENDING or RUNNING forever and its pipeline can run again.
///
/// A run is reaped once its heartbeat is older than `staleAfter`; every instance sweeps every
/// `interval`, so a dead instance's runs are FAILED within `staleAfter + interval`.
public struct RunReaper: Sendable {
    public let warehouse: any Warehouse
    public let staleAfter: Duration
    public let interval: Duration
    let logger: Logger

    public init(warehouse: any Warehouse, staleAfter: Duration, interval: Duration, logger: Logger) {
        self.warehouse = warehouse
        self.staleAfter = staleAfter
        self.interval = interval
        self.logger = logger
    }

    /// One sweep over every tenant dataset; returns how many runs it failed.
    @discardableResult
    public func sweep(now: Date = Date()) -> Int {
        let cutoff = now.addingTimeInterval(-Double(staleAfter.components.seconds))
        var reaped = 0
        for dataset in (try? warehouse.listDatasets()) ?? [] {
            let statement = SQLStatement(
                """
                UPDATE \(dataset).pipeline_runs SET status = 'FAILED', ended_at = @now,
                    error_message = 'run abandoned: its instance stopped sending heartbeats'
                WHERE status IN ('PENDING', 'RUNNING') AND heartbeat_at < @cutoff
                """,
                parameters: ["now": .timestamp(now), "cutoff": .timestamp(cutoff)])
            do {
                let count = try warehouse.execute([statement], in: dataset, options: JobOptions())[0]
                if count > 0 {
                    logger.warning("reaped abandoned runs", metadata: ["tenant": "\(dataset)", "runs": "\(count)"])
                }
                reaped += count
            } catch {
                // A dataset still being onboarded has no runs table yet.
                logger.debug("reaper skipped dataset", metadata: ["tenant": "\(dataset)", "error": "\(error)"])
            }
        }
        return reaped
    }

    /// Sweeps forever on a thread of its own.
    public func start() {
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: Double(interval.components.seconds))
                sweep()
            }
        }
        thread.name = "tally-reaper"
        thread.start()
    }
}
