import Foundation
import Testing

@testable import TallyWarehouse

/// `BigQueryClient`'s public reads of data Tally does not own (a tenant's billing export), on recorded answers.
@Suite struct ReadTests {
    static let schema = #"{"fields":[{"name":"row","type":"STRING","mode":"NULLABLE"}]}"#

    @Test func readsInTheTablesLocationPollsThenHandsOutPagesOneByOne() throws {
        let transport = ScriptedTransport([
            .json(200, #"{"tableReference":{"tableId":"x"},"location":"europe-west1","schema":\#(Self.schema)}"#),
            .json(
                200, #"{"jobReference":{"projectId":"p","jobId":"q1","location":"europe-west1"},"jobComplete":false}"#),
            .json(
                200,
                #"{"jobReference":{"jobId":"q1"},"jobComplete":true,"schema":\#(Self.schema),"rows":[{"f":[{"v":"a"}]}],"pageToken":"t2"}"#
            ),
            .json(200, #"{"jobReference":{"jobId":"q1"},"jobComplete":true,"rows":[{"f":[{"v":"b"}]}]}"#),
        ])
        let client = transport.client()
        let table = try client.tableResource(dataset: "billing", table: "gcp_billing_export_v1_X")
        let located = client.located(in: try #require(table["location"]?.string))
        var pages = try located.read(
            "SELECT TO_JSON_STRING(t) AS row FROM `p.billing.x` AS t WHERE t.d >= @from AND t.e = @missing",
            parameters: ["from": .date("2025-11-01"), "missing": .null], labels: ["tally_source": "gcp_billing_export"],
            paging: .init(pageSize: 1, wait: .seconds(1), timeout: .seconds(5)))
        #expect(transport.requests.count == 3, "the first page is read before next() is called, the second is not")
        #expect(pages.fields.count == 1)
        #expect(try pages.next()?.map { $0["f"]?.array?.first?["v"] } == [.string("a")])
        #expect(try pages.next()?.map { $0["f"]?.array?.first?["v"] } == [.string("b")])
        #expect(try pages.next() == nil)

        #expect(transport.calls[0] == "GET /bigquery/v2/projects/p/datasets/billing/tables/gcp_billing_export_v1_X")
        let request = try #require(transport.body(1))
        #expect(request["location"] == .string("europe-west1"))
        #expect(request["maxResults"] == .string("1") || request["maxResults"] == .number("1"))
        #expect(request["parameterMode"] == .string("NAMED"))
        #expect(request["queryParameters"]?.array?.count == 1, "NULL is not bound")
        #expect(request["queryParameters"]?.array?.first?["parameterType"]?["type"] == .string("DATE"))
        #expect(request["labels"]?["tally_source"] == .string("gcp_billing_export"))
        #expect(request["requestId"]?.string?.count == 36)
        #expect(request["defaultDataset"] == nil)
        #expect(transport.requests[2].url.contains("location=europe-west1"))
        #expect(transport.requests[3].url.contains("pageToken=t2"))
    }

    @Test func aRepeatedPageTokenIsAnErrorNotALoop() throws {
        let transport = ScriptedTransport([
            .json(200, #"{"jobReference":{"jobId":"q1"},"jobComplete":true,"rows":[],"pageToken":"t"}"#),
            .json(200, #"{"jobReference":{"jobId":"q1"},"jobComplete":true,"rows":[],"pageToken":"t"}"#),
        ])
        var pages = try transport.client().read("SELECT 1", parameters: [:], paging: .init(pageSize: 1))
        _ = try pages.next()
        #expect(throws: BigQueryError.self) { try pages.next() }
    }
}
