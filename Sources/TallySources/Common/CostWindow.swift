import TallyWarehouse

/// The days one run of a cost template loads: the requested range (`date`, or `start_date` + `end_date`,
/// inclusive UTC days) widened backwards by a trailing window, because providers restate recent days.
///
/// Every step of a run uses this one window: extractors fetch it, and the SQL steps read it from the
/// `cost_windows` table, so what a run deletes (its `replace:` predicates) is exactly what it reloads.
public struct CostWindow: Sendable, Equatable {
    /// How far before the requested start a run re-pulls, when the run does not say (`trailing_days`).
    public enum Trailing: Sendable, Equatable {
        /// A fixed number of days (LLM providers: cost data lags 24–48 h).
        case days(Int)
        /// Back to the first day of the previous month (GCP: late rows land on the next invoice month).
        case previousMonth
    }

    /// The most days a run may request; with the trailing window this stays a bounded extraction.
    public static let maxRequestedDays = 93
    public static let maxTrailingDays = 62

    public var requestedStart: UTCDay
    public var requestedEnd: UTCDay
    /// First day loaded (trailing window included).
    public var start: UTCDay
    /// Last day loaded (inclusive).
    public var end: UTCDay

    /// Reads `date` / `start_date` / `end_date` / `trailing_days` from a run's parameters.
    public init(parameters: [String: WarehouseValue], trailing: Trailing) throws(SourceError) {
        let date = try Self.day(parameters, "date")
        let startDate = try Self.day(parameters, "start_date")
        let endDate = try Self.day(parameters, "end_date")
        switch (date, startDate, endDate) {
        case (let day?, nil, nil):
            requestedStart = day
            requestedEnd = day
        case (nil, let first?, let last?):
            requestedStart = first
            requestedEnd = last
        case (.some, _, _):
            throw .parameters("give either date or start_date and end_date, not both")
        case (nil, nil, nil):
            throw .parameters("a run needs date, or start_date and end_date")
        case (nil, _, _):
            throw .parameters("start_date and end_date must be given together")
        }
        guard requestedStart <= requestedEnd else {
            throw .parameters("end_date \(requestedEnd) is before start_date \(requestedStart)")
        }
        let days = requestedEnd.ordinal - requestedStart.ordinal + 1
        guard days <= Self.maxRequestedDays else {
            throw .parameters(
                "\(requestedStart)..\(requestedEnd) covers \(days) days; a run covers at most \(Self.maxRequestedDays)")
        }
        end = requestedEnd
        switch parameters["trailing_days"] ?? .null {
        case .null:
            switch trailing {
            case .days(let count): start = requestedStart.adding(days: -count)
            case .previousMonth: start = requestedStart.firstOfMonth.adding(days: -1).firstOfMonth
            }
        case .int(let count) where (0...Int64(Self.maxTrailingDays)).contains(count):
            start = requestedStart.adding(days: -Int(count))
        default:
            throw .parameters("trailing_days must be an integer from 0 to \(Self.maxTrailingDays)")
        }
    }

    public init(start: UTCDay, end: UTCDay) {
        requestedStart = start
        requestedEnd = end
        self.start = start
        self.end = end
    }

    public var trailingDays: Int { requestedStart.ordinal - start.ordinal }

    /// The window's exclusive end: midnight UTC after its last day.
    public var endExclusive: UTCDay { end.adding(days: 1) }

    public func contains(_ day: UTCDay) -> Bool { day >= start && day <= end }

    private static func day(_ parameters: [String: WarehouseValue], _ name: String) throws(SourceError) -> UTCDay? {
        switch parameters[name] ?? .null {
        case .null: return nil
        case .date(let text), .string(let text):
            guard let day = UTCDay(text) else { throw .parameters("\(name) must be a date YYYY-MM-DD") }
            return day
        default: throw .parameters("\(name) must be a date YYYY-MM-DD")
        }
    }
}
