import Foundation
import TallyHTTPClient

@testable import TallyWarehouse

/// Recorded BigQuery answers, played in order to a `BigQueryClient`, which never touches the network.
/// Every request is kept for inspection; sleeps are recorded instead of slept.
final class ScriptedTransport: Sendable {
    enum Answer: Sendable {
        case json(Int, String, headers: [String: String] = [:])
        case failure(HTTPClientError)
    }

    private let answers: Locked<[Answer]>
    private let sent = Locked<[HTTPClientRequest]>([])
    private let slept = Locked<[Duration]>([])

    init(_ answers: [Answer]) {
        self.answers = Locked(answers)
    }

    var requests: [HTTPClientRequest] { sent.value }
    var sleeps: [Duration] { slept.value }
    var remaining: Int { answers.value.count }

    /// Paths (without query) of the requests sent, e.g. `POST /bigquery/v2/projects/p/jobs`.
    var calls: [String] {
        requests.map { request in
            let path = request.url.split(separator: "?").first.map(String.init) ?? request.url
            return request.method + " " + path.replacingOccurrences(of: "http://bq.test", with: "")
        }
    }

    func client(
        project: String = "p", tokens: StaticTokenSource = StaticTokenSource(),
        retry: RetryPolicy = BigQueryClient.defaultRetry
    ) -> BigQueryClient {
        BigQueryClient(
            project: project, location: "EU", baseURL: "bq.test", tokens: tokens,
            transport: { request throws(HTTPClientError) in try self.answer(request) }, retry: retry,
            sleep: { duration in self.slept.withLock { $0.append(duration) } })
    }

    func warehouse(options: BigQueryWarehouse.Options = BigQueryWarehouse.Options()) -> BigQueryWarehouse {
        BigQueryWarehouse(api: client(), maximumBytesBilled: 1_000_000, options: options)
    }

    private func answer(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse {
        sent.withLock { $0.append(request) }
        let next = answers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        switch next {
        case .json(let status, let body, let headers):
            return HTTPClientResponse(
                status: status, headers: headers.map { (name: $0.key, value: $0.value) }, body: Array(body.utf8))
        case .failure(let error): throw error
        case nil: return HTTPClientResponse(status: 599, body: Array(#"{"error":{"message":"script ran out"}}"#.utf8))
        }
    }

    /// The JSON body of request `index`.
    func body(_ index: Int) -> BigQueryJSON? {
        requests[index].body.flatMap(BigQueryJSON.parse)
    }
}

/// Google error envelopes and job resources as BigQuery sends them.
enum Recorded {
    static func error(_ code: Int, _ reason: String, _ message: String) -> ScriptedTransport.Answer {
        .json(
            code,
            #"{"error":{"code":\#(code),"message":"\#(message)","errors":[{"message":"\#(message)","domain":"global","reason":"\#(reason)"}],"status":"X"}}"#
        )
    }

    static func job(_ id: String, state: String = "DONE", error: String? = nil, statistics: String = "{}")
        -> ScriptedTransport.Answer
    {
        let failure = error.map { #","errorResult":{"reason":"\#($0)","message":"failed: \#($0)"}"# } ?? ""
        return .json(
            200,
            #"{"kind":"bigquery#job","jobReference":{"projectId":"p","jobId":"\#(id)","location":"EU"},"status":{"state":"\#(state)"\#(failure)},"statistics":\#(statistics)}"#
        )
    }
}
