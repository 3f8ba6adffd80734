import Foundation

/// The local BigQuery peer (`scripts/local-bigquery.sh`: PyPI local-bigquery on DuckDB) on a free port
/// with a fresh data directory.
final class BigQueryPeer: Sendable {
    static let project = "tally-test"
    static let script = Cluster.repoRoot + "/scripts/local-bigquery.sh"

    let port: Int
    let dataDirectory: String

    private init(port: Int, dataDirectory: String) {
        self.port = port
        self.dataDirectory = dataDirectory
    }

    /// Installs (once) and starts the peer; nil, saying why, where it cannot be installed (no `../shared`
    /// beside the repository, no Python 3.13).
    static func start() throws -> BigQueryPeer? {
        let environment = ProcessInfo.processInfo.environment
        let install = try Cluster.status(script, ["install"], environment: environment)
        if install == 3 {
            print(
                "SKIPPED: BigQuery mode: the local BigQuery peer cannot be installed here (see scripts/local-bigquery.sh)"
            )
            return nil
        }
        guard install == 0 else { throw ClusterError("scripts/local-bigquery.sh install failed (\(install))") }
        let port = try Cluster.freePort()
        let data = NSTemporaryDirectory() + "tally-lbq-\(UUID().uuidString.prefix(8))"
        let start = try Cluster.status(script, ["start", String(port), data], environment: environment)
        guard start == 0 else { throw ClusterError("scripts/local-bigquery.sh start failed (\(start))") }
        return BigQueryPeer(port: port, dataDirectory: data)
    }

    func stop() {
        _ = try? Cluster.status(Self.script, ["stop", String(port)], environment: ProcessInfo.processInfo.environment)
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }
}
