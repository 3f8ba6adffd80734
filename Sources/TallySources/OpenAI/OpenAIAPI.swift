import Foundation
import TallyHTTPClient
import TallyPipelines

/// What the OpenAI extractors share: the admin key as a Bearer token, the organization id (and optional name)
/// from the credential's settings (the Usage and Costs APIs return neither), and day buckets over the run's
/// window, whose bounds are sent aligned to UTC midnight so no bucket covers a partial day.
struct OpenAIAPI {
    static let provider = "OpenAI"
    static let defaultBaseURL = "https://api.openai.com"

    let api: ProviderAPI
    let key: String
    let organizationID: String
    let organizationName: String?
    let window: CostWindow

    init(api: ProviderAPI, request: ExtractRequest) throws {
        guard let credential = request.credential, !credential.secret.isEmpty else {
            throw SourceError.credential(Self.provider, "no admin key")
        }
        guard case .string(let organization)? = credential.settings["organization_id"], !organization.isEmpty else {
            throw SourceError.credential(
                Self.provider, "the organization_id setting is required (the cost API does not return it)")
        }
        self.api = api
        key = credential.secret
        organizationID = organization
        if case .string(let name)? = credential.settings["organization_name"], !name.isEmpty {
            organizationName = name
        } else {
            organizationName = nil
        }
        window = try CostWindow(parameters: request.parameters, trailing: .days(3))
    }

    /// Reads every bucket of `path` for the window, page by page, handing each page's buckets to `handle`.
    /// `group_by` is sent as repeated keys, the form OpenAI's OpenAPI description (array, explode) uses.
    func forEachPage<Result: Decodable>(
        _ type: Result.Type, path: String, groupBy: [String], limit: Int,
        _ handle: ([ResultBucket<Result>]) throws -> Void
    ) throws {
        let base: [(String, String)] =
            [
                ("start_time", String(window.start.unixSeconds)),
                ("end_time", String(window.endExclusive.unixSeconds)), ("bucket_width", "1d"),
                ("limit", String(limit)),
            ] + groupBy.map { ("group_by", $0) }
        try Pagination.forEachPage(provider: Self.provider, path: path) { cursor, page in
            let query = base + (cursor.map { [("page", $0)] } ?? [])
            let body = try api.get(
                CursorPage<OpenAIBucket<Result>>.self, path: path, query: query,
                headers: [(name: "Authorization", value: "Bearer \(key)")], context: "page \(page)")
            let buckets = body.data.map { bucket in
                ResultBucket(
                    start: Date(timeIntervalSince1970: TimeInterval(bucket.startTime)),
                    end: Date(timeIntervalSince1970: TimeInterval(bucket.endTime)), results: bucket.results)
            }
            for bucket in buckets { try bucket.check(in: window, provider: Self.provider, path: path) }
            try handle(buckets)
            return (body.hasMore, body.nextPage)
        }
    }
}
