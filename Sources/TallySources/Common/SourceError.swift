/// Why an extraction failed. Messages name the provider, the endpoint or the file and what was wrong with it;
/// they never carry a key, a header value or a response body, so they are safe in `step_logs` and run errors.
public struct SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    /// A run parameter that cannot describe a date range.
    static func parameters(_ reason: String) -> SourceError {
        SourceError("invalid date range: \(reason)")
    }

    /// The tenant's credential lacks something the source needs.
    static func credential(_ provider: String, _ reason: String) -> SourceError {
        SourceError("\(provider) credential: \(reason)")
    }

    /// A provider answered something Tally cannot use.
    static func endpoint(_ provider: String, _ path: String, _ reason: String) -> SourceError {
        SourceError("\(provider) GET \(path): \(reason)")
    }
}
