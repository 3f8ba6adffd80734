/// One page of a cursor-paginated admin API response, the envelope OpenAI's and Anthropic's usage and cost
/// endpoints share: time buckets of results, `has_more` and `next_page` (followed by `Pagination`). Each
/// provider decodes its own `Bucket`, because they write bucket times differently.
struct CursorPage<Bucket: Decodable>: Decodable {
    var data: [Bucket]
    var hasMore: Bool
    var nextPage: String?

    enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
        case nextPage = "next_page"
    }
}
