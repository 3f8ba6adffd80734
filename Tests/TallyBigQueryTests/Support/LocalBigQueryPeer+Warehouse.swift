import TallyHTTPClient
import TallyTestSupport

@testable import TallyWarehouse

/// Warehouses on the shared local BigQuery peer, with waits short enough for tests.
extension LocalBigQueryPeer {
    static let http = HTTPClient(configuration: BigQueryWarehouse.httpConfiguration)

    /// A warehouse on the peer with short waits and an optional request observer.
    func warehouse(
        options: BigQueryWarehouse.Options = LocalBigQueryPeer.options, observer: BigQueryClient.Observer? = nil
    ) -> BigQueryWarehouse {
        BigQueryWarehouse(
            project: Self.project, location: Self.location, baseURL: baseURL, tokens: StaticTokenSource(),
            client: Self.http, maximumBytesBilled: 10_000_000_000, options: options, observer: observer)
    }

    static var options: BigQueryWarehouse.Options {
        var options = BigQueryWarehouse.Options()
        options.jobTimeout = .seconds(60)
        options.queryWait = .seconds(2)
        options.conflictAttempts = 40
        return options
    }

    /// A dataset name no other test uses.
    static func datasetName(_ prefix: String = "t") -> String {
        "\(prefix)_\(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF_FFFF)"
    }
}
