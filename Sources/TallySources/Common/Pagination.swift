/// Follows `has_more` / `next_page` cursors, the scheme both LLM admin APIs use.
///
/// Bounded: a provider that keeps answering `has_more` fails the step loudly instead of looping forever, and
/// a cursor that repeats (a stale or broken cursor) is an error rather than silently re-read data.
enum Pagination {
    static let maxPages = 1_000

    /// Calls `fetch` with nil, then with each `next_page`, until `has_more` is false.
    static func forEachPage(
        provider: String, path: String, fetch: (_ cursor: String?, _ page: Int) throws -> (hasMore: Bool, next: String?)
    ) throws {
        var cursor: String?
        var seen: Set<String> = []
        for page in 1...maxPages {
            let (hasMore, next) = try fetch(cursor, page)
            guard hasMore else { return }
            guard let next, !next.isEmpty else {
                throw SourceError.endpoint(provider, path, "has_more without next_page (page \(page))")
            }
            guard seen.insert(next).inserted else {
                throw SourceError.endpoint(provider, path, "next_page repeats an earlier cursor (page \(page))")
            }
            cursor = next
        }
        throw SourceError.endpoint(provider, path, "more than \(maxPages) pages; narrow the date range")
    }
}
