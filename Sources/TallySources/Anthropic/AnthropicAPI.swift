import Foundation
import TallyHTTPClient
import TallyPipelines
import TallyWarehouse

/// What the Anthropic extractors share: the admin key in `x-api-key` with `anthropic-version`, the organization
/// (id and name from `/v1/organizations/me`, checked against the credential's `organization_id` setting when
/// one is set), and day buckets over the run's window, requested from and to UTC midnight.
struct AnthropicAPI {
    static let provider = "Anthropic"
    static let defaultBaseURL = "https://api.anthropic.com"
    static let version = "2023-06-01"
    static let organizationPath = "/v1/organizations/me"
    /// The reports' maximum page size for day buckets.
    static let pageLimit = 31

    let api: ProviderAPI
    let key: String
    let organization: AnthropicOrganization
    let window: CostWindow

    init(api: ProviderAPI, request: ExtractRequest) throws {
        guard let credential = request.credential, !credential.secret.isEmpty else {
            throw SourceError.credential(Self.provider, "no admin key")
        }
        window = try CostWindow(parameters: request.parameters, trailing: .days(3))
        self.api = api
        key = credential.secret
        organization = try api.get(
            AnthropicOrganization.self, path: Self.organizationPath, query: [], headers: Self.headers(key),
            context: "organization")
        if case .string(let configured)? = credential.settings["organization_id"], configured != organization.id {
            throw SourceError.credential(
                Self.provider, "the admin key belongs to organization \(organization.id), not \(configured)")
        }
    }

    /// Reads every bucket of `path` for the window, page by page, handing each page's buckets to `handle`.
    /// `group_by[]` is sent once per field, as the Admin API documents it.
    func forEachPage<Result: Decodable>(
        _ type: Result.Type, path: String, groupBy: [String], _ handle: ([ResultBucket<Result>]) throws -> Void
    ) throws {
        let base: [(String, String)] =
            [
                ("starting_at", Self.timestamp(window.start)), ("ending_at", Self.timestamp(window.endExclusive)),
                ("bucket_width", "1d"), ("limit", String(Self.pageLimit)),
            ] + groupBy.map { ("group_by[]", $0) }
        try Pagination.forEachPage(provider: Self.provider, path: path) { cursor, page in
            let query = base + (cursor.map { [("page", $0)] } ?? [])
            let body = try api.get(
                CursorPage<AnthropicBucket<Result>>.self, path: path, query: query, headers: Self.headers(key),
                context: "page \(page)")
            let buckets = try body.data.map { bucket in
                guard let start = WarehouseTimestamp.parse(bucket.startingAt),
                    let end = WarehouseTimestamp.parse(bucket.endingAt)
                else {
                    throw SourceError.endpoint(Self.provider, path, "a bucket's starting_at/ending_at is not RFC 3339")
                }
                return ResultBucket(start: start, end: end, results: bucket.results)
            }
            for bucket in buckets { try bucket.check(in: window, provider: Self.provider, path: path) }
            try handle(buckets)
            return (body.hasMore, body.nextPage)
        }
    }

    static func headers(_ key: String) -> [(name: String, value: String)] {
        [(name: "x-api-key", value: key), (name: "anthropic-version", value: version)]
    }

    static func timestamp(_ day: UTCDay) -> String {
        "\(day)T00:00:00Z"
    }
}
