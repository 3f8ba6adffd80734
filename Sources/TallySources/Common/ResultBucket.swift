import Foundation
import TallyWarehouse

/// One time bucket of an LLM usage or cost report (OpenAI's Unix seconds and Anthropic's RFC 3339 both end up
/// here), with its results as decoded and as sent.
struct ResultBucket<Result: Decodable> {
    var start: Date
    var end: Date
    var results: [Captured<Result>]

    /// The UTC day the bucket starts on: the usage date of its rows.
    var day: UTCDay { UTCDay(containing: start) }

    /// Raw rows for `buckets`, one per result: `row` maps a result's own fields; the bucket's period columns, a
    /// running `x_ordinal` (later duplicates of a natural key win in the FOCUS step) and the provider's JSON
    /// (`x_raw`) are added here.
    static func rows(
        _ buckets: [ResultBucket], ordinal: inout Int64, _ row: (Result, ResultBucket) throws -> Row
    ) rethrows -> [Row] {
        var rows: [Row] = []
        for bucket in buckets {
            let period = RawRows.period(start: bucket.start, end: bucket.end)
            for result in bucket.results {
                ordinal += 1
                var fields = try row(result.value, bucket)
                fields.merge(period) { own, _ in own }
                fields["x_ordinal"] = .int(ordinal)
                fields["x_raw"] = RawRows.json(result.raw)
                rows.append(fields)
            }
        }
        return rows
    }

    /// A bucket outside the window would escape the run's `replace:` predicates and duplicate on re-runs.
    func check(in window: CostWindow, provider: String, path: String) throws {
        guard start >= window.start.start, start < window.endExclusive.start, end > start else {
            throw SourceError.endpoint(
                provider, path,
                "a bucket (\(WarehouseTimestamp.format(start))) lies outside the requested window "
                    + "\(window.start)..\(window.end)")
        }
    }
}
